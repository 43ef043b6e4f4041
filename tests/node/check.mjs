// Loads plangraph's pages in the system's Chromium (never a downloaded browser) and checks
// what a visitor would notice: each page renders in Chinese, requests nothing from another
// host, fits a phone's width, the indicator chart draws with text of at least 11 CSS px, and axe-core finds no serious or
// critical accessibility problem. With PDF_DIR set, an evaluation's report page is also
// printed to PDF on A4 there (the test reads the file back).
//   node check.mjs http://127.0.0.1:PORT /plans /plans/health /indicators/ID …
// Prints one JSON line per page; exits 1 on any failure.
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const [base, ...paths] = process.argv.slice(2);
const origin = new URL(base).origin;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";

const browser = await puppeteer.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
let failed = false;
try {
  for (const path of paths) {
    const page = await browser.newPage();
    // axe is injected by the test, past the page's own CSP (which allows no script at all).
    await page.setBypassCSP(true);
    await page.setViewport({ width: 375, height: 740, isMobile: true });
    const foreign = [];
    page.on("request", (r) => {
      if (new URL(r.url()).origin !== origin && !r.url().startsWith("data:")) foreign.push(r.url());
    });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const response = await page.goto(origin + path, { waitUntil: "networkidle0" });
    const facts = await page.evaluate(() => {
      const chart = document.querySelector("svg[role=img]");
      const box = (sel) => {
        const el = chart && chart.querySelector(sel);
        if (!el) return null;
        const b = el.getBoundingClientRect();
        return { width: b.width, height: b.height };
      };
      return {
        lang: document.documentElement.lang,
        title: document.title,
        h1: document.querySelector("h1")?.textContent ?? "",
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        chart: chart
          ? {
              label: chart.getAttribute("aria-labelledby"),
              desc: chart.querySelector("desc")?.textContent ?? "",
              values: chart.querySelectorAll("circle.value").length,
              targets: chart.querySelectorAll("g.target").length,
              series: box("circle.value"),
              target: box("g.target rect"),
              drawn: chart.getBoundingClientRect().width,
              // The smallest text as rendered: its font size scaled as the SVG is.
              fontMin: Math.min(
                ...[...chart.querySelectorAll("text")].map(
                  (t) =>
                    parseFloat(getComputedStyle(t).fontSize) *
                    (chart.getBoundingClientRect().width / chart.viewBox.baseVal.width),
                ),
              ),
            }
          : null,
      };
    });
    await page.addScriptTag({ path: axePath });
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    const serious = axe.filter((v) => v.impact === "serious" || v.impact === "critical");
    const ok =
      response.status() === 200 &&
      facts.lang === "zh-CN" &&
      facts.h1.length > 0 &&
      facts.overflow <= 1 &&
      (!facts.chart || facts.chart.fontMin >= 11) &&
      foreign.length === 0 &&
      errors.length === 0 &&
      serious.length === 0;
    if (!ok) failed = true;
    let pdf = null;
    if (process.env.PDF_DIR && path.startsWith("/evaluations/")) {
      pdf = `${process.env.PDF_DIR}/${path.replaceAll("/", "_")}.pdf`;
      await page.pdf({ path: pdf, format: "A4", printBackground: true });
    }
    if (process.env.SCREENSHOTS) {
      await page.screenshot({ path: `${process.env.SCREENSHOTS}/${path.replaceAll("/", "_")}.png`, fullPage: true });
    }
    console.log(JSON.stringify({ path, status: response.status(), ok, ...facts, foreign, errors, axe, pdf }));
    await page.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
