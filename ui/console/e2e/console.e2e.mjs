// The console in a real browser (Debian's Chromium, driven by playwright-core) against the real
// server on loopback and a real PostgreSQL, with a real desk (the core, headless) enrolled from
// it. Run by scripts/console-e2e.sh, which starts all of that; axe-core checks every page.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const { CONSOLE_URL, ADMIN_LOGIN, ADMIN_PASSWORD, HEADLESS_DESK, SHOTS } = process.env;
assert.ok(CONSOLE_URL && ADMIN_LOGIN && ADMIN_PASSWORD && HEADLESS_DESK, "run through scripts/console-e2e.sh");
const axeSource = readFileSync(
  fileURLToPath(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url)),
  "utf8",
);

/** The headless desk: one command per line in, one JSON answer per line out. */
function headlessDesk(url) {
  const child = spawn(HEADLESS_DESK, [url], { stdio: ["pipe", "pipe", "inherit"] });
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async send(command) {
      child.stdin.write(`${command}\n`);
      const { value, done } = await answers.next();
      assert.ok(!done, `the headless desk ended before answering ${command}`);
      return JSON.parse(value);
    },
    close() {
      child.stdin.end();
      child.kill();
    },
  };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
let desk = null;
let page = null;
const checked = [];
try {
  // The server's CSP forbids inline scripts; axe is injected as one, so only this test's page
  // lifts it (the console itself runs under the server's policy in every other respect).
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, bypassCSP: true, locale: "en-GB" });
  page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));

  /** axe on the page as it is now: no serious or critical violation; a screenshot if asked. */
  const look = async (name) => {
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    const bad = result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    assert.deepEqual(bad, [], `axe on ${name}`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/console-${name}.png` });
    checked.push(name);
  };
  const rowOf = (table, text) => page.getByTestId(table).locator("tr", { hasText: text });

  // Sign-in: a wrong password is refused in words, the right one opens the console.
  await page.goto(`${CONSOLE_URL}/console/`);
  await page.getByTestId("login").fill(ADMIN_LOGIN);
  await page.getByTestId("password").fill("not the password at all");
  await page.getByTestId("sign-in").click();
  await page.getByTestId("sign-in-problem").filter({ hasText: "The login or the password is not right." }).waitFor();
  await look("sign-in");
  await page.getByTestId("password").fill(ADMIN_PASSWORD);
  await page.getByTestId("sign-in").click();
  await page.getByText("No desks yet").waitFor();
  await look("devices-empty");

  // A store, with its time zone (a wrong one is refused under its field first).
  await page.getByTestId("nav-stores").click();
  await page.getByTestId("store-name").fill("Porto Baixa");
  await page.getByTestId("store-timezone").fill("Mars/Olympus");
  await page.getByTestId("add-store").click();
  await page.locator("#store-tz-error").filter({ hasText: "Mars/Olympus" }).waitFor();
  assert.equal(await page.getByTestId("store-name").inputValue(), "Porto Baixa", "what was typed stays");
  await page.getByTestId("store-timezone").fill("Europe/Lisbon");
  await page.getByTestId("add-store").click();
  await rowOf("stores", "Porto Baixa").getByText("Europe/Lisbon").waitFor();
  await look("stores");

  // A person of that store: the server makes their PIN and the console shows it once.
  await page.getByTestId("nav-staff").click();
  await page.getByTestId("person-name").fill("Rui Santos");
  await page.getByTestId("person-store").selectOption({ label: "Porto Baixa" });
  await page.getByTestId("add-person").click();
  const said = await page.getByTestId("staff-said").textContent();
  const pin = /desk PIN is (\d{6})/.exec(said ?? "")?.[1];
  assert.ok(pin, `a PIN is shown: ${said}`);
  await rowOf("staff", "Rui Santos").getByText("Porto Baixa").waitFor();
  await look("staff");
  const staff = await page.evaluate(() => fetch("/v1/org/staff").then((r) => r.json()));
  const rui = staff.find((s) => s.name === "Rui Santos");

  // More staff from a spreadsheet: a row with a problem is told on its line and nobody is
  // added; the corrected file adds everyone, each PIN shown once.
  const csv = (rows) => ({ name: "staff.csv", mimeType: "text/csv", buffer: Buffer.from(`name,role,store\n${rows}`) });
  await page.getByTestId("import-file").setInputFiles(csv("Ana Costa,frontline,Porto Baixa\nJoão Reis,frontline,Braga\n"));
  await page.getByTestId("import-checked").filter({ hasText: "1 row of 2 has a problem" }).waitFor();
  await page.getByTestId("staff-import").getByText("No store called “Braga”.").waitFor();
  assert.equal(await page.getByTestId("import-add").count(), 0, "nothing to add while a row is wrong");
  await look("staff-import-problem");
  await page.getByTestId("import-file").setInputFiles(csv("Ana Costa,frontline,Porto Baixa\nJoão Reis,supervisor,Porto Baixa\n"));
  await page.getByTestId("import-checked").filter({ hasText: "2 people are ready to add" }).waitFor();
  await page.getByTestId("import-add").click();
  await page.getByTestId("import-done").filter({ hasText: "2 people added" }).waitFor();
  assert.match(await page.getByTestId("import-pins").textContent(), /Ana Costa.*\d{6}.*João Reis.*\d{6}/s);
  await rowOf("staff", "João Reis").getByText("Supervisor").waitFor();
  await look("staff-import");

  // The lists desks offer: a touch point added and one retired, the organisation's own reasons
  // (from the built-in list, one added), a scorecard criterion.
  await page.getByTestId("nav-lists").click();
  await page.getByTestId("add-touch-points-name").fill("Fitting rooms");
  await page.getByTestId("add-touch-points-submit").click();
  await page.getByTestId("list-touch-points-said").filter({ hasText: "Fitting rooms added" }).waitFor();
  await page.getByTestId("retire-Live chat").click();
  await page.getByTestId("list-touch-points-said").filter({ hasText: "Live chat is retired" }).waitFor();
  await page.getByTestId("reasons-defaults").click();
  await page.getByTestId("list-reasons-said").filter({ hasText: "10 reasons added" }).waitFor();
  await page.getByTestId("add-reasons-name").fill("Gift wrapping");
  await page.getByTestId("add-reasons-submit").click();
  await page.getByTestId("list-reasons").getByRole("cell", { name: "Gift wrapping", exact: true }).waitFor();
  await page.getByTestId("add-scorecard-name").fill("Greeted the customer");
  await page.getByTestId("add-scorecard-submit").click();
  await page.getByTestId("list-scorecard").getByRole("cell", { name: "Greeted the customer", exact: true }).waitFor();
  await page.getByTestId("add-scorecard-name").fill("greeted the customer");
  await page.getByTestId("add-scorecard-submit").click();
  await page.locator("#add-scorecard-name-error").filter({ hasText: "There is already a criterion called" }).waitFor();
  await look("lists");

  // A till's code for that store, shown once.
  await page.getByTestId("nav-codes").click();
  await page.getByTestId("code-store").selectOption({ label: "Porto Baixa" });
  await page.getByTestId("code-kind").selectOption("till");
  await page.getByTestId("issue-code").click();
  const code = (await page.getByTestId("issued-code").textContent())?.trim();
  assert.match(code ?? "", /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await look("codes");

  // A real desk enrolls with it; Rui signs in with the PIN he was given and logs two visits.
  desk = headlessDesk(CONSOLE_URL);
  const enrolled = await desk.send(`enroll ${code} Till 1 Porto`);
  assert.ok(enrolled.ok, JSON.stringify(enrolled));
  assert.deepEqual(await desk.send(`sign-in ${rui.staff_id} ${pin}`), { ok: true });
  assert.deepEqual(await desk.send("log 2"), { ok: true, logged: 2 });
  const synced = await desk.send("sync");
  assert.ok(synced.ok && synced.pushed >= 2, JSON.stringify(synced));
  // The log form offers the organisation's lists.
  const lists = await desk.send("lists");
  assert.ok(lists.touch_points.includes("Fitting rooms") && !lists.touch_points.includes("Live chat"), JSON.stringify(lists));
  assert.equal(lists.reasons.at(-1), "Gift wrapping", JSON.stringify(lists));
  // Rui opens a customer's record: the head office sees who looked.
  assert.ok((await desk.send("view Headless customer 1")).customer_id);
  assert.ok((await desk.send("sync")).ok);

  // The console sees it: its store, its app version and an empty outbox.
  await page.getByTestId("nav-devices").click();
  await page.reload();
  const row = page.locator(`tr[data-device="${enrolled.device_id}"]`);
  await row.getByText("0.1.0").waitFor();
  assert.match(await row.textContent(), /Till 1 Porto.*Porto Baixa.*A till.*0 waiting, 0 refused/s);
  await look("devices");

  // Its conversations are in the organisation's insight, computed on the server; a figure
  // opens the conversations behind it.
  await page.getByTestId("nav-insight").click();
  await page.getByTestId("insight-store").selectOption({ label: "Porto Baixa" });
  await page.getByTestId("summary-conversations").filter({ hasText: /^Conversations\s*2$/ }).waitFor();
  assert.match(
    await page.getByTestId("summary-nps").locator(".insight-big").textContent(),
    /^[+±]?0$/,
    "one promoter, one detractor",
  );
  await page.getByTestId("heat-map").waitFor();
  await look("insight");
  await page.getByTestId("chart-stores").locator("summary").click();
  await page.getByTestId("open-store").filter({ hasText: "Porto Baixa" }).click();
  const drilled = page.getByTestId("drill-rows").locator("tr[data-conversation]");
  await drilled.nth(1).waitFor();
  assert.equal(await drilled.count(), 2);
  assert.match(await page.getByTestId("drill-rows").textContent(), /Porto Baixa.*Rui Santos.*Returns/s);
  await page.getByTestId("drill").getByText("Unhappy").waitFor();
  await look("insight-drill");

  // The same conversations close the loop: Porto Baixa's unhappy one waits for a follow-up,
  // and the detractor is on the list of customers at risk, in the desks' words.
  await page.getByTestId("nav-loop").click();
  await page.getByTestId("loop-stores").locator("tr[data-store]").filter({ hasText: "Porto Baixa" }).waitFor();
  await page.getByTestId("at-risk").getByText("Headless customer 2").waitFor();
  assert.match(await page.getByTestId("at-risk").textContent(), /Headless customer 2.*Detractor: NPS 4/s);
  assert.doesNotMatch(await page.getByTestId("at-risk").textContent(), /Headless customer 1/, "the happy one is not");
  await look("loop");

  // A webhook to a receiver here: the desk's next conversation reaches it, signed with the
  // secret shown once, and the delivery log says so.
  const received = [];
  const hookServer = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ signature: req.headers["x-touchpoint-signature"], event: req.headers["x-touchpoint-event"], body });
      res.writeHead(204).end();
    });
  });
  await new Promise((ok) => hookServer.listen(0, "127.0.0.1", ok));
  try {
    await page.getByTestId("nav-keys").click();
    await page.getByTestId("hook-url").fill(`http://127.0.0.1:${hookServer.address().port}/hooks`);
    await page.getByTestId("hook-event-feedback_unhappy").uncheck();
    await page.getByTestId("hook-event-conversation_logged").check();
    await page.getByTestId("add-hook").click();
    const hookSecret = (await page.getByTestId("hook-secret").textContent())?.trim() ?? "";
    assert.match(hookSecret, /^whsec_/);
    assert.deepEqual(await desk.send("log 1"), { ok: true, logged: 1 });
    assert.ok((await desk.send("sync")).ok);
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((ok) => setTimeout(ok, 100));
    assert.equal(received.length, 1, "one delivery");
    const [{ signature, event, body }] = received;
    assert.equal(event, "conversation_logged");
    const t = /^t=(\d+),v1=/.exec(signature)?.[1];
    const expected = createHmac("sha256", hookSecret).update(`${t}.${body}`).digest("hex");
    assert.equal(signature, `t=${t},v1=${expected}`, "signed with the webhook's secret");
    await page.reload();
    await page.getByTestId("hook-log").click();
    await page.getByTestId("hook-deliveries").locator('tr[data-status="delivered"]').getByText("Conversation logged").waitFor();
    await look("webhooks");
  } finally {
    hookServer.close();
  }

  // Revoked from the console, the desk's next sync is refused.
  await page.getByTestId("nav-devices").click();
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByTestId("devices-said").filter({ hasText: "Till 1 Porto is revoked" }).waitFor();
  await row.getByText("Revoked").waitFor();
  const refused = await desk.send("sync");
  assert.equal(refused.ok, false);
  assert.match(refused.error, /revoked/i);

  // An integration's key: made read-only, its secret shown once; it reads and cannot change.
  await page.getByTestId("nav-keys").click();
  await page.getByTestId("key-name").fill("Data warehouse");
  await page.getByTestId("key-scope").selectOption("read_only");
  await page.getByTestId("make-key").click();
  const secret = (await page.getByTestId("key-secret").textContent())?.trim() ?? "";
  assert.match(secret, /^tpk_/);
  const asKey = (method, body) =>
    fetch(`${CONSOLE_URL}/v1/org/stores`, {
      method,
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    }).then((r) => r.status);
  assert.equal(await asKey("GET"), 200);
  assert.equal(await asKey("POST", { name: "Faro" }), 403);
  await rowOf("keys", "Data warehouse").getByText("Read only").waitFor();
  await look("keys");

  // Every change is in the audit, by whom.
  await page.getByTestId("nav-audit").click();
  await page.getByTestId("audit-view-console").click();
  for (const action of ["signed_in", "sign_in_failed", "store_created", "staff_created", "code_issued", "device_revoked", "api_key_made"]) {
    await page.locator(`[data-testid="audit"] td[data-action="${action}"]`).first().waitFor();
  }
  // What people did at the desks, narrowed to one action; and the edits made apart (none).
  await page.getByTestId("audit-view-desks").click();
  await rowOf("desk-audit", "Rui Santos").getByText("Headless customer 1").waitFor();
  await page.getByTestId("audit-action").selectOption("export");
  await page.getByText("Nothing matches these filters.").waitFor();
  await page.getByTestId("audit-action").selectOption("view");
  await rowOf("desk-audit", "Rui Santos").getByText("Viewed").waitFor();
  assert.match(await rowOf("desk-audit", "Rui Santos").textContent(), /Porto Baixa · Till 1 Porto/);
  await look("audit");
  await page.getByTestId("audit-view-conflicts").click();
  await page.getByText("No conflicting edits.").waitFor();
  await look("audit-conflicts");
  await page.getByTestId("audit-view-console").click();
  await page.getByTestId("audit").locator("tr", { hasText: "Desk revoked" }).getByText("name: Till 1 Porto").waitFor();
  await page.getByTestId("audit").locator('td[data-action="staff_imported"]').waitFor();
  await look("audit-console");

  // In Portuguese too.
  await page.getByLabel("Language / Idioma").selectOption("pt");
  await page.getByTestId("nav-devices").filter({ hasText: "Postos" }).waitFor();
  await page.getByTestId("nav-devices").click();
  await row.getByText("Revogado").waitFor();
  await look("devices-pt");
  await page.getByLabel("Language / Idioma").selectOption("en");

  // Signing out ends the session on the server.
  await page.getByTestId("sign-out").click();
  await page.getByTestId("login").waitFor();
  const after = await page.evaluate(() => fetch("/v1/org/stores").then((r) => r.status));
  assert.equal(after, 401);
  assert.deepEqual(errors, [], "no script errors on any page");
  console.log(`console e2e: passed (axe clean on ${checked.length} pages: ${checked.join(", ")})`);
} catch (e) {
  // What the page showed when it failed, for whoever reads the log.
  if (page) {
    console.error(`console e2e: failed on ${page.url()}; the page said:\n${(await page.locator("body").innerText()).slice(0, 2000)}`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/console-failure.png` });
  }
  throw e;
} finally {
  desk?.close();
  await browser.close();
}
