import { expect, gotoReady, login, test } from './fixtures';
import { japanesePeople, showcase } from './demo';
import { expectResults, openConference, participantCells, searchURL } from './pages';
import { engineer, support } from './users';

// Who sees real names: support (and admins) see "userName (alias)", engineers
// only the alias. The server never sends userName to an engineer, so it is
// not in the page at all, hydration data included. The Rust integration tests
// check every route; this is the check in a real browser.

const aliases = japanesePeople.map((person) => person.aliasName);
const labels = japanesePeople.map((person) => `${person.userName} (${person.aliasName})`);

test('shows an engineer the participants’ aliases but never their names', async ({ page }) => {
  await login(page, engineer.email, engineer.password);
  await gotoReady(page, searchURL(showcase.japanese));
  await expectResults(page, [showcase.japanese]);
  await openConference(page, showcase.japanese);

  const cells = await participantCells(page).allTextContents();
  expect(cells.length, 'the conference has participants').toBeGreaterThan(0);
  for (const cell of cells) expect(aliases, `"${cell}" is an alias alone`).toContain(cell);

  const html = await page.content();
  for (const { userName } of japanesePeople) {
    expect(html, `the page does not contain the name ${userName}`).not.toContain(userName);
  }
});

test('shows support the participants’ names with their aliases', async ({ page }) => {
  await login(page, support.email, support.password);
  await gotoReady(page, searchURL(showcase.japanese));
  await expectResults(page, [showcase.japanese]);
  await openConference(page, showcase.japanese);

  const cells = await participantCells(page).allTextContents();
  expect(cells.length, 'the conference has participants').toBeGreaterThan(0);
  for (const cell of cells) expect(labels, `"${cell}" is "userName (alias)"`).toContain(cell);
});
