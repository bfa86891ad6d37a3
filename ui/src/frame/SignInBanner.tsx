import { useEffect } from "react";
import { Button } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { useDeskInfo } from "../api/desk";
import { useNavigation } from "../navigation";

/** After connecting, the organisation's staff replace the desk's own: until someone signs in
 * as themselves nothing can be saved, so say so plainly and open the sign-in dialog. */
export function SignInBanner() {
  const { t } = useTranslation();
  const desk = useDeskInfo();
  const { setStaffDialog } = useNavigation();
  const mustSignIn = desk.data?.must_sign_in === true;
  useEffect(() => {
    if (mustSignIn) setStaffDialog("switch");
  }, [mustSignIn, setStaffDialog]);
  if (!mustSignIn) return null;
  return (
    <div className="desk-banner" role="alert" data-testid="sign-in-banner">
      <span>{t("desk.mustSignIn")}</span>
      <Button className="button primary" onPress={() => setStaffDialog("switch")}>
        {t("desk.signIn")}
      </Button>
    </div>
  );
}
