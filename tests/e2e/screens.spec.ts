import { expect, test, useOfficeBridge } from './bridge.js';
import { DESKTOP, gridsUnsettled, hiddenColumns, LAPTOP, layoutProblems, screenshot } from './layout.js';
import { deskDialogs, loginAs, logout, mainScreens, prepareTour, regieDialogs, type TourData, type Visit } from './tour.js';

/*
 * Every main screen and every dialog of the office, at the town hall's 1366×768 laptop and at 1920×1080: photographed
 * into screenshots/<size>/ (ignored by git) for a person to look at, and checked: no horizontal scroll bar, no button
 * too narrow for its text or cut by its cell, no text cut with an ellipsis or at the bottom of a grid cell, no text
 * field narrower than its value, no grid column out of view, every grid settled (header over its rows). Run alone:
 *   npm run build:renderer && npx playwright test tests/e2e/screens.spec.ts
 */

const bridge = useOfficeBridge();
let data: TourData;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  data = await prepareTour(bridge);
});

for (const size of [LAPTOP, DESKTOP]) {
  test.describe(`${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test(`every screen and dialog fits ${size.width}×${size.height}: no horizontal overflow, no clipped button or text`, async ({ page, consoleProblems }) => {
      test.setTimeout(300_000);
      const problems: Record<string, string[]> = {};
      const visit: Visit = async (name) => {
        // A grid still fitting its columns is photographed once its header stands over its rows and its rows hold their cells.
        const unsettled = await gridsUnsettled(page);
        await screenshot(page, name);
        // Every grid's columns on screen, none under a pinned one; the planning (a month of days), the drafts (a
        // column per service) and the families (twelve columns, the names first) scroll sideways by design.
        const found = [...unsettled, ...(await layoutProblems(page)), ...(await hiddenColumns(page, ['.planning-grid', '.run-grid', '.families-grid']))];
        if (found.length > 0) problems[name] = found;
      };

      await page.goto(bridge.url);
      await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();
      await visit('connexion');

      await loginAs(page, bridge, 'admin');
      await mainScreens(page, data, async (name) => {
        await visit(name);
        if (name === 'journee') {
          // The children come first on the day list: their first rows are on screen without scrolling.
          const firstRow = await page.locator('.day-grid .ag-row').first().boundingBox();
          if (!firstRow || firstRow.y + firstRow.height > size.height) {
            (problems[name] ??= []).push(`the day list's first child is below the fold (${firstRow ? Math.round(firstRow.y) : '?'} px)`);
          }
        }
        if (name === 'enfant-planning') {
          // One line per service: « Restauration scolaire » never wraps the row to twice the height of the others.
          const heights = await page
            .locator('.planning-grid .ag-cell[col-id="service"]')
            .evaluateAll((cells) => cells.map((cell) => Math.round(cell.closest('.ag-row')?.getBoundingClientRect().height ?? 0)));
          const single = Math.min(...heights);
          if (heights.length === 0 || heights.some((height) => height > single + 1)) (problems[name] ??= []).push(`planning rows of uneven height: ${heights.join(', ')} px`);
        }
      });
      await deskDialogs(page, data, visit);
      await logout(page);

      await loginAs(page, bridge, 'regie');
      await mainScreens(page, data, (name) => visit(`regie-${name}`));
      await regieDialogs(page, data, visit);

      expect(problems).toEqual({});
      expect(consoleProblems).toEqual([]);
    });
  });
}
