/**
 * SECURITY-CRITICAL. `npm run admin:create`: the first administrator of a new installation (production
 * has no demo accounts), or a new one when every administrator is locked out. Non-interactive:
 *
 *   npm run admin:create -- --email ops.admin@gmina.pl --name "Anna Kowalska" \
 *     --institution-name "Ośrodek Pomocy Społecznej w Wieliczce" --territory 1219053
 *   npm run admin:create -- --email ops.admin@gmina.pl --name "Anna Kowalska" --institution-id <uuid>
 *
 * The account holds the admin role in the given institution (registered here with `--institution-name`,
 * `--territory` and optionally `--kind`, `--sector`). It prints a random one-time password once; the
 * person must change it at first sign-in. Refuses an e-mail that has an account. Migrates and loads
 * TERYT like `npm run db:seed`. Audited as `user.create` by the command line (no actor), `via: commandLine`.
 * Exit codes: 0 created, 1 not created (one line on stderr says why; nothing was written).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfigOrReport } from '../server/src/platform/config.js';
import {
  DatabaseLockedError,
  migrateDatabase,
  MigrationPermissionError,
  openDatabase,
  type DatabaseHandle,
} from '../server/src/platform/db/database.js';
import { loadTerritories } from '../server/src/territories/territories.loader.js';
import { AppError } from '../server/src/platform/http/problem.js';
import {
  createAdministratorFromCommandLine,
  type AdministratorInstitution,
} from '../server/src/accounts/users.service.js';
import { CreateUserInput } from '../shared/src/contracts/auth.js';
import { CreateInstitutionInput } from '../shared/src/contracts/institutions.js';
import { leaderInstitutionKinds, Uuid } from '../shared/src/contracts/common.js';

const EXIT_CREATED = 0;
const EXIT_NOT_CREATED = 1;

const USAGE =
  'usage: npm run admin:create -- --email <e-mail> --name "<first and last name>" ' +
  '(--institution-id <id> | --institution-name "<full name>" --territory <TERYT gmina code> [--kind ops] [--sector public])';

/** A refusal the operator can act on: printed as one line, exit 1. */
class CommandError extends Error {}

const AccountFields = CreateUserInput.pick({ email: true, displayName: true });

function firstIssue(error: z.ZodError, optionOf: (field: string) => string): string {
  const issue = error.issues[0]!;
  return `${optionOf(String(issue.path[0] ?? ''))}: ${issue.message}`;
}

function parseCommandLine(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        'institution-id': { type: 'string' },
        'institution-name': { type: 'string' },
        territory: { type: 'string' },
        kind: { type: 'string' },
        sector: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new CommandError(`${(error as Error).message}. ${USAGE}`);
  }
  if (!values.email || !values.name) throw new CommandError(`--email and --name are required. ${USAGE}`);
  const account = AccountFields.safeParse({ email: values.email, displayName: values.name });
  if (!account.success)
    throw new CommandError(firstIssue(account.error, (field) => (field === 'email' ? '--email' : '--name')));

  let institution: AdministratorInstitution;
  if (values['institution-id'] !== undefined) {
    if (values['institution-name'] !== undefined || values.territory !== undefined)
      throw new CommandError(`give either --institution-id or --institution-name with --territory, not both. ${USAGE}`);
    const id = Uuid.safeParse(values['institution-id']);
    if (!id.success) throw new CommandError(`--institution-id: not an institution id (a UUID)`);
    institution = { id: id.data };
  } else if (values['institution-name'] !== undefined) {
    if (!values.territory) throw new CommandError(`--institution-name needs --territory <TERYT gmina code>. ${USAGE}`);
    const kind = values.kind ?? 'ops';
    const fields = CreateInstitutionInput.safeParse({
      name: values['institution-name'],
      kind,
      sector: values.sector ?? 'public',
      territoryCode: values.territory,
      cooperationAreas: (leaderInstitutionKinds as readonly string[]).includes(kind) ? ['socialAssistance'] : [],
    });
    if (!fields.success)
      throw new CommandError(
        firstIssue(fields.error, (field) =>
          field === 'name' ? '--institution-name' : field === 'territoryCode' ? '--territory' : `--${field}`,
        ),
      );
    institution = { register: fields.data };
  } else {
    throw new CommandError(
      `the administrator needs an institution: --institution-id of an existing one, or --institution-name ` +
        `and --territory to register it. ${USAGE}`,
    );
  }
  return { ...account.data, institution };
}

/** The service's refusals, in the words of the command line. */
function describeRefusal(error: AppError, email: string, institution: AdministratorInstitution): string {
  const fieldCodes = (error.errors ?? []).map((e) => e.code);
  if (fieldCodes.includes('emailTaken')) return `an account with the e-mail ${email} exists already`;
  if (fieldCodes.includes('unknownTerritory') && 'register' in institution)
    return `--territory ${institution.register.territoryCode} is not the TERYT code of a gmina (e.g. 1219053, Wieliczka)`;
  if (fieldCodes.includes('unknownInstitution') && 'id' in institution)
    return `--institution-id ${institution.id}: no such institution`;
  return `${error.code}${fieldCodes.length ? ` (${fieldCodes.join(', ')})` : ''}`;
}

async function openMigratedDatabase(config: NonNullable<ReturnType<typeof loadConfigOrReport>>) {
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase(config);
  } catch (error) {
    if (error instanceof DatabaseLockedError)
      throw new CommandError(`${error.message} Stop the server, run admin:create, then start it again.`);
    throw new CommandError(`cannot open the database: ${(error as Error).message}`);
  }
  try {
    await migrateDatabase(handle);
    await loadTerritories(handle.db);
  } catch (error) {
    await handle.close();
    if (error instanceof MigrationPermissionError) throw new CommandError(error.message);
    throw error;
  }
  return handle;
}

async function main(): Promise<number> {
  const config = loadConfigOrReport();
  if (!config) return EXIT_NOT_CREATED;
  const input = parseCommandLine(process.argv.slice(2));
  const handle = await openMigratedDatabase(config);
  try {
    const created = await createAdministratorFromCommandLine(
      handle.db,
      { actor: null, requestId: `admin:create:${randomUUID()}`, ip: null },
      input,
    );
    console.log(
      [
        `Administrator created: ${input.email} (${input.displayName}), institution ${created.institutionId}.`,
        'One-time password (shown only now; it must be changed at the first sign-in):',
        '',
        `  ${created.oneTimePassword}`,
        '',
        'Hand it over in person or by another channel than the e-mail address above.',
      ].join('\n'),
    );
    return EXIT_CREATED;
  } catch (error) {
    if (error instanceof AppError) throw new CommandError(describeRefusal(error, input.email, input.institution));
    throw error;
  } finally {
    await handle.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  const message = error instanceof CommandError ? error.message : `failed: ${(error as Error).message}`;
  console.error(`admin:create: ${message}; nothing was created.`);
  process.exitCode = EXIT_NOT_CREATED;
}
