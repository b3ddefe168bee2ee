// Test accounts created by global-setup.ts (through the callscope CLI) and
// used by the specs. Passwords are test-only and satisfy a 12+ character rule.

export type Role = 'admin' | 'engineer' | 'support';

export interface TestUser {
  email: string;
  password: string;
  role: Role;
}

export const admin: TestUser = {
  email: 'admin@e2e.test',
  password: 'e2e-admin-Passw0rd!',
  role: 'admin',
};

export const engineer: TestUser = {
  email: 'engineer@e2e.test',
  password: 'e2e-engineer-Passw0rd!',
  role: 'engineer',
};

export const support: TestUser = {
  email: 'support@e2e.test',
  password: 'e2e-support-Passw0rd!',
  role: 'support',
};

/** An engineer who has been granted no app: sees no conference at all. */
export const unassigned: TestUser = {
  email: 'unassigned@e2e.test',
  password: 'e2e-unassigned-Passw0rd!',
  role: 'engineer',
};

/** An engineer and a support user granted only the apps hostile.spec.ts
 * plants, so that the other specs' users keep seeing the demo app alone. */
export const hostileEngineer: TestUser = {
  email: 'hostile-engineer@e2e.test',
  password: 'e2e-hostile-engineer-Passw0rd!',
  role: 'engineer',
};

export const hostileSupport: TestUser = {
  email: 'hostile-support@e2e.test',
  password: 'e2e-hostile-support-Passw0rd!',
  role: 'support',
};

export const allUsers: TestUser[] = [admin, engineer, support, unassigned, hostileEngineer, hostileSupport];

/** Users that global-setup.ts lets see the demo app (admins see every app anyway). */
export const demoViewers: TestUser[] = [engineer, support];
