import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';

/** The laptop screen of a town hall, the size every office screen must fit; and a desktop one for the screenshots. */
export const LAPTOP = { width: 1366, height: 768 } as const;
export const DESKTOP = { width: 1920, height: 1080 } as const;

/**
 * What a person would see as broken on the page as it stands: the page wider than the window (a horizontal scroll
 * bar), a button whose text does not fit in it or that a parent cuts off (an ag-grid cell, a card with overflow
 * hidden), a text cut with an ellipsis (phone numbers, dates, service names in grid cells and headers).
 * Only what is inside the window is judged: a grid's rows below the fold are not rendered, and one scrolls to them.
 * Returns French-free, readable descriptions, empty when the page is clean.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth) problems.push(`page wider than the window: ${root.scrollWidth} px > ${window.innerWidth} px`);
    // A grid page scrolls inside its grid: a page taller than the window hides the grid's sideways scroll bar.
    if (document.querySelector('.page-grid') && root.scrollHeight > window.innerHeight) {
      problems.push(`grid page taller than the window: ${root.scrollHeight} px > ${window.innerHeight} px`);
    }

    const describe = (element: Element): string => {
      const label = element.getAttribute('aria-label') ?? (element.textContent ?? '').trim().replace(/\s+/g, ' ');
      const where = element.closest('[col-id]')?.getAttribute('col-id');
      return `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''} « ${label.slice(0, 60)} »${where ? ` in column ${where}` : ''}`;
    };
    // Shown, inside the window and not in a dialog that is closed.
    const shown = (element: Element): boolean => {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) return false;
      if (box.bottom <= 0 || box.top >= window.innerHeight || box.right <= 0 || box.left >= window.innerWidth) return false;
      const style = getComputedStyle(element);
      return style.visibility !== 'hidden' && style.display !== 'none' && !element.closest('.visually-hidden');
    };
    // A modal dialog makes everything else inert: then only the dialog is judged (what the agent can act on).
    const modal = document.querySelector('dialog[open]') ?? document.querySelector('[role="dialog"][aria-modal="true"]');
    const scope: ParentNode = modal ?? document;

    for (const button of scope.querySelectorAll('button, .button, [role="button"], [role="menuitem"], [role="tab"]')) {
      if (!shown(button)) continue;
      if (button.scrollWidth > button.clientWidth + 1) {
        problems.push(`button too narrow for its text: ${describe(button)} (${button.scrollWidth} > ${button.clientWidth} px)`);
        continue;
      }
      const box = button.getBoundingClientRect();
      // The first ancestor that clips (overflow hidden/clip) must hold the whole button; a scrolling one is fine
      // (its scroll bar reaches the rest), and nothing above it is judged.
      for (let parent = button.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        const clipsX = style.overflowX === 'hidden' || style.overflowX === 'clip';
        const clipsY = style.overflowY === 'hidden' || style.overflowY === 'clip';
        const scrolls = /auto|scroll/.test(style.overflowX) || /auto|scroll/.test(style.overflowY);
        if (!clipsX && !clipsY && !scrolls) continue;
        if (scrolls && !clipsX && !clipsY) break;
        const outer = parent.getBoundingClientRect();
        const cutX = clipsX && (box.left < outer.left - 1 || box.right > outer.right + 1);
        const cutY = clipsY && (box.top < outer.top - 1 || box.bottom > outer.bottom + 1);
        // A grid scrolled sideways hides whole columns by design: only a button cut by its own cell counts.
        const cell = parent.classList.contains('ag-cell') || parent.classList.contains('ag-cell-wrapper') || parent.classList.contains('ag-cell-value');
        if ((cutX || cutY) && (cell || !parent.className.toString().includes('ag-'))) {
          problems.push(`button cut off by ${describe(parent).split(' «')[0]}: ${describe(button)}`);
        }
        if (cell || !parent.className.toString().includes('ag-')) break;
      }
    }

    for (const element of scope.querySelectorAll('*')) {
      if (element.children.length > 0 && !element.classList.contains('ag-cell')) continue;
      const style = getComputedStyle(element);
      if (style.textOverflow !== 'ellipsis' || !shown(element)) continue;
      // No tolerance here: the browser draws the ellipsis as soon as the text overflows by a fraction of a pixel.
      if (element.scrollWidth > element.clientWidth) problems.push(`text cut with an ellipsis: ${describe(element)}`);
    }

    // A grid cell shows its whole text: a wrapping text in a row of fixed height is cut at the bottom (« tranche la
    // plus haute appliquée, » and nothing after). Only cells inside the window, as above.
    for (const cell of scope.querySelectorAll('.ag-cell')) {
      if (!shown(cell)) continue;
      const value = cell.querySelector('.ag-cell-value') ?? cell;
      // An auto-height cell grows with its text while its row, of fixed height until re-measured, cuts it.
      const row = cell.closest('.ag-row')?.getBoundingClientRect();
      const below = row !== undefined && cell.getBoundingClientRect().bottom > row.bottom + 1;
      if (below || value.scrollHeight > value.clientHeight + 1 || cell.scrollHeight > cell.clientHeight + 1) {
        problems.push(`text cut at the bottom of its cell: ${describe(cell)}`);
      }
    }

    // A text field shows its whole value (a settings page's « Horaires de la régie », a creditor's name): a field
    // narrower than what it holds hides its end from the agent who reads the page.
    for (const field of scope.querySelectorAll('input:not([type]), input[type="text"], input[type="email"], input[type="tel"], input[type="url"]')) {
      if (!shown(field)) continue;
      const input = field as HTMLInputElement;
      if (input.value !== '' && input.scrollWidth > input.clientWidth + 1) {
        const label = input.labels?.[0]?.textContent?.trim() ?? input.getAttribute('aria-label') ?? input.name;
        problems.push(`field too narrow for its value: « ${label} » holds « ${input.value.slice(0, 60)} »`);
      }
    }

    // A closed select shows its chosen option on one line: cut when wider than the box less its arrow.
    const measure = document.createElement('canvas').getContext('2d');
    for (const select of scope.querySelectorAll('select')) {
      if (!measure || !shown(select)) continue;
      const text = (select as HTMLSelectElement).selectedOptions[0]?.text ?? '';
      const style = getComputedStyle(select);
      measure.font = style.font;
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      if (measure.measureText(text).width > room) problems.push(`select too narrow for its choice: ${describe(select)} « ${text} »`);
    }
    return problems;
  });
}

/**
 * The columns of the page's grids that are not wholly in view without scrolling the grid sideways: cut at the grid's
 * edge or lying under a pinned column (the day list's « Pointage », the queue's « Décision »). A grid that is
 * meant to scroll sideways (a month of days, a column per service) is named in `scrolling` (CSS selectors) and left
 * out. Returns readable descriptions, empty when every column is on screen.
 */
export async function hiddenColumns(page: Page, scrolling: readonly string[] = []): Promise<string[]> {
  return page.evaluate((scrolling) => {
    const problems: string[] = [];
    // Behind a modal dialog the page is inert and not what the agent reads (as in layoutProblems).
    if (document.querySelector('dialog[open]') ?? document.querySelector('[role="dialog"][aria-modal="true"]')) return problems;
    for (const grid of document.querySelectorAll('.ag-root-wrapper')) {
      if (scrolling.some((selector) => grid.closest(selector))) continue;
      const box = grid.getBoundingClientRect();
      if (box.width === 0 || box.bottom <= 0 || box.top >= window.innerHeight) continue;
      const where = grid.closest('[class*="grid"]:not(.ag-root-wrapper)')?.className.toString().split(/\s+/)[0] ?? 'grid';
      const header = grid.querySelector('.ag-header');
      if (!header) continue;
      // The scrolling part's window: between the pinned columns (when there are some), inside the grid.
      const pinnedLeft = header.querySelector('.ag-grid-pinned-left-cells')?.getBoundingClientRect();
      const pinnedRight = header.querySelector('.ag-grid-pinned-right-cells')?.getBoundingClientRect();
      const view = header.getBoundingClientRect();
      const left = Math.max(view.left, pinnedLeft && pinnedLeft.width > 0 ? pinnedLeft.right : view.left);
      const right = Math.min(view.right, pinnedRight && pinnedRight.width > 0 ? pinnedRight.left : view.right, window.innerWidth);
      const center = header.querySelector('.ag-grid-scrolling-cells');
      if (!center) continue;
      for (const cell of center.querySelectorAll('.ag-header-cell[col-id]')) {
        const rect = cell.getBoundingClientRect();
        if (rect.width === 0) continue;
        if (rect.left < left - 1 || rect.right > right + 1) {
          const name = (cell.textContent ?? '').trim() || cell.getAttribute('col-id');
          problems.push(`${where}: column « ${name} » not wholly in view (${Math.round(rect.left)}–${Math.round(rect.right)} px, view ${Math.round(left)}–${Math.round(right)} px)`);
        }
      }
    }
    return problems;
  }, scrolling);
}

/**
 * Waits until every grid has settled, up to a few seconds, and returns what is still wrong then: a header out of line
 * with its rows (ag-grid redraws the header and the rows in separate frames while its columns are fitted: « Motif »
 * over the day, « Détails » under « Décision »), or a row shorter than its auto-height cell (the row is measured again
 * after the columns are fitted: until then the third line of « QF à mettre à jour »'s reason is cut).
 */
export async function gridsUnsettled(page: Page): Promise<string[]> {
  const measure = () =>
    page.evaluate(() => {
      const problems: string[] = [];
      for (const grid of document.querySelectorAll('.ag-root-wrapper')) {
        const box = grid.getBoundingClientRect();
        if (box.width === 0 || box.bottom <= 0 || box.top >= window.innerHeight) continue;
        const row = grid.querySelector('.ag-center-cols-container .ag-row');
        if (!row) continue;
        const where = grid.closest('[class*="grid"]:not(.ag-root-wrapper)')?.className.toString().split(/\s+/)[0] ?? 'grid';
        for (const cell of row.querySelectorAll('.ag-cell[col-id]')) {
          const id = cell.getAttribute('col-id') ?? '';
          const header = grid.querySelector(`.ag-header-viewport .ag-header-cell[col-id="${CSS.escape(id)}"]`);
          if (!header) continue;
          const a = header.getBoundingClientRect();
          const b = cell.getBoundingClientRect();
          if (Math.abs(a.left - b.left) > 1 || Math.abs(a.width - b.width) > 1) {
            problems.push(`${where}: header of column ${id} out of line with its cells (${Math.round(a.left)}+${Math.round(a.width)} px over ${Math.round(b.left)}+${Math.round(b.width)} px)`);
          }
        }
        for (const cell of grid.querySelectorAll('.ag-cell.ag-cell-auto-height')) {
          const rowBox = cell.closest('.ag-row')?.getBoundingClientRect();
          const cellBox = cell.getBoundingClientRect();
          if (rowBox && cellBox.bottom <= window.innerHeight && cellBox.bottom > rowBox.bottom + 1) {
            problems.push(`${where}: row of ${Math.round(rowBox.height)} px cuts its cell ${cell.getAttribute('col-id')} of ${Math.round(cellBox.height)} px`);
            break;
          }
        }
      }
      return problems;
    });
  const deadline = Date.now() + 3_000;
  let problems = await measure();
  while (problems.length > 0 && Date.now() < deadline) {
    await page.waitForTimeout(100);
    problems = await measure();
  }
  return problems;
}

/** Where the screenshots for a person to check go: ignored by git (see .gitignore), kept between runs of other specs. */
export const SCREENS_DIR = path.resolve(import.meta.dirname, '../../screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  const dir = path.join(SCREENS_DIR, size ? `${size.width}x${size.height}` : 'default');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}
