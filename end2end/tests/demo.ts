// What `callscope demo` loads (src/server/demo/scenario.rs and
// scenario_people.rs), as far as the specs rely on it. global-setup.ts loads
// DEMO_CONFERENCES instances with the default seed; the first ten are a fixed
// showcase, the rest are generated.

/** Conference instances global-setup.ts asks the demo for. */
export const DEMO_CONFERENCES = 30;

/** conferenceIDs of the showcase. */
export const showcase = {
  japanese: 'インターネット',
  russian: 'интернэт',
  lao: 'ອິນເຕີເນັດ',
  /** Three distinct conferences whose IDs differ only in case. */
  standupCapitalised: 'Conf-Standup',
  standupLower: 'conf-standup',
  standupUpper: 'CONF-STANDUP',
  /** Total failure: nobody got connected. */
  salesTotalFailure: 'sales-2026-11-01',
  /** Partial failure, with errors (SDP), an application log and feedback. */
  salesPartialFailure: 'sales-2026-11-02',
  /** Shared by both sales conferences (and by generated ones). */
  salesPrefix: 'sales-2026-11',
  /** Used for two calls one after the other. */
  reused: 'weekly-retro',
} as const;

/** A participant sent as a userID object: real name and alias. */
export interface NamedPerson {
  userName: string;
  aliasName: string;
}

/** Everybody the インターネット conference draws from (it picks three of them). */
export const japanesePeople: NamedPerson[] = [
  { userName: '田中 愛子', aliasName: 'aiko.t' },
  { userName: '佐藤 健', aliasName: 'ken.sato' },
  { userName: '鈴木 花子', aliasName: '花子' },
  { userName: '高橋 翔', aliasName: 'sho.t' },
  { userName: '伊藤 美咲', aliasName: 'misaki' },
  { userName: '渡辺 大輔', aliasName: 'daisuke.w' },
];
