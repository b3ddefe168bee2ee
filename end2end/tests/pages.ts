import type { Locator, Page, Request } from '@playwright/test';
import { expect, waitForReady } from './fixtures';

// Locators and steps for the search, conference and fabric pages, shared by
// the specs that walk through them.

export type Match = 'exact' | 'prefix';

/** The search form (a GET form to /search). */
export function searchForm(page: Page): Locator {
  return page.locator('form', { has: page.locator('input[name=conferenceID]') });
}

/** The conferenceID links of the search results, one per row, newest first. */
export function resultLinks(page: Page): Locator {
  return page.locator('table.conferences tbody td.conference-id a');
}

/** A page section by its h2 heading, e.g. "Connections". */
export function section(page: Page, heading: string): Locator {
  return page.locator('section', {
    has: page.getByRole('heading', { level: 2, name: heading, exact: true }),
  });
}

/** /search with a conferenceID already in the URL, as a shared link would have it. */
export function searchURL(conferenceID: string, match: Match = 'exact'): string {
  const query = new URLSearchParams({ conferenceID });
  if (match === 'prefix') query.set('match', 'prefix');
  return `/search?${query}`;
}

/**
 * Types `conferenceID` into the search form, chooses `match`, submits, and
 * waits until the URL carries the search. Returns the main-frame document
 * requests made meanwhile: none when the hydrated router handled the submit,
 * one GET when the browser submitted the form itself.
 */
export async function submitSearch(
  page: Page,
  conferenceID: string,
  match: Match = 'exact',
): Promise<Request[]> {
  const form = searchForm(page);
  await form.locator('input[name=conferenceID]').fill(conferenceID);
  await form.locator('select[name=match]').selectOption(match);

  const documents: Request[] = [];
  const onRequest = (request: Request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) documents.push(request);
  };
  page.on('request', onRequest);
  try {
    await form.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => {
      const query = url.searchParams;
      return (
        url.pathname === '/search' &&
        query.get('conferenceID') === conferenceID &&
        (query.get('match') ?? 'exact') === match
      );
    });
    await waitForReady(page);
  } finally {
    page.off('request', onRequest);
  }
  return documents;
}

/** Waits until the results are exactly `ids`, in this order. */
export async function expectResults(page: Page, ids: string[]): Promise<void> {
  await expect(resultLinks(page), `the search results should be exactly ${JSON.stringify(ids)}`).toHaveText(
    ids,
  );
}

/** Opens a result by its conferenceID (the `nth` row with it) and waits for the conference page. */
export async function openConference(page: Page, conferenceID: string, nth = 0): Promise<void> {
  const link = resultLinks(page).filter({ hasText: new RegExp(`^${escapeRegExp(conferenceID)}$`) }).nth(nth);
  const href = await link.getAttribute('href');
  expect(href, 'a result links to its conference page').toMatch(/^\/conferences\/\d+$/);
  await link.click();
  await page.waitForURL((url) => url.pathname === href);
  await waitForReady(page);
  await expect(page.locator('main h1')).toHaveText(conferenceID);
}

/** The participant cells of the conference page's Participants table. */
export function participantCells(page: Page): Locator {
  return section(page, 'Participants').locator('table tbody td.person');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
