import i18n from "../../src/i18n";
import en from "./i18n/en.json";
import pt from "./i18n/pt.json";

// The console's words are their own namespace beside the desk's, in the same two languages.
i18n.addResourceBundle("en", "console", en);
i18n.addResourceBundle("pt-PT", "console", pt);

export default i18n;
