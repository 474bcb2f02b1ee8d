/**
 * The basket of services <-> Open Referral HSDS 3.0 (pure functions, no database).
 *
 * Envelope (ours; HSDS 3.0 defines the objects, not a file format for a whole directory):
 * `{ hsds_version, generator, generated_at, publisher, taxonomies, taxonomy_terms, organizations,
 * locations, services }`. Each `services[]` item is a compiled HSDS service (its phones, contacts,
 * schedules, service_areas, languages, cost_options, service_at_locations and attributes nested,
 * `organization_id` and `service_at_locations[].location_id` pointing into the top-level lists), so
 * it validates alone against `service_with_definitions.json`. Organizations and locations validate
 * against `#/definitions/organization` and `#/definitions/location`.
 *
 * Ids are stable: our service and institution UUIDs, and UUIDs derived (name-based, like UUID v5)
 * from the owning record for everything else, so two exports of an unchanged basket are equal and
 * another system can update rather than duplicate.
 *
 * What HSDS has no field for (areas, target groups, origin, cost kind, "at home", referral, capacity)
 * travels as attributes with terms of our own taxonomy "kooperacja", so a round trip loses nothing
 * that the card needs.
 */
import { createHash } from 'node:crypto';
import { cooperationAreas, type CooperationArea } from '../../../../shared/src/contracts/common.js';
import {
  serviceCosts,
  serviceOrigins,
  targetGroups,
  type ServiceCardField,
  type ServiceCost,
  type ServiceOrigin,
  type TargetGroup,
} from '../../../../shared/src/contracts/basket.js';
import type { services } from '../../platform/db/tables.js';
import { normalizeForSearch } from '../../../../shared/src/text.js';
import {
  areaLabels,
  costLabels,
  institutionKindLabels,
  languageLabels,
  originLabels,
  targetGroupLabels,
} from './hsds.labels.js';

export const HSDS_VERSION = '3.0';
export const TAXONOMY_NAME = 'kooperacja';
const TERYT_SCHEME = 'TERYT TERC';
const NAMESPACE = 'c1b7a7d2-6f0e-4f53-9c39-6b0d3c1e2a10';

/** A name-based UUID (SHA-1, version 5 layout) under our namespace: same parts, same id. */
export function stableUuid(...parts: string[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update(parts.join('\u0000')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// ---------------------------------------------------------------------------------------------
// The taxonomy "kooperacja"

type TermKind = 'area' | 'targetGroup' | 'origin' | 'cost' | 'locationKind' | 'feature';
const features = ['compound', 'referralRequired', 'accessible', 'capacity'] as const;
type Feature = (typeof features)[number];

const featureLabels: Record<Feature, { name: string; description: string }> = {
  compound: { name: 'Usługa złożona', description: 'Kilka powiązanych działań realizowanych razem.' },
  referralRequired: {
    name: 'Wymagane skierowanie',
    description: 'Dostęp tylko ze skierowaniem; wartość atrybutu mówi, kto je wydaje.',
  },
  accessible: {
    name: 'Dostępna dla osób z niepełnosprawnościami',
    description: 'Wartość atrybutu opisuje dostępność.',
  },
  capacity: { name: 'Liczba miejsc i limity', description: 'Wartość atrybutu opisuje miejsca, grupy, limity.' },
};

const linkTypes: Record<TermKind, string> = {
  area: 'cooperation_area',
  targetGroup: 'target_group',
  origin: 'origin',
  cost: 'cost',
  locationKind: 'location_kind',
  feature: 'feature',
};

export type TaxonomyTerm = {
  id: string;
  code: string;
  name: string;
  description: string;
  taxonomy: string;
  taxonomy_id: string;
  language: string;
};

export const taxonomyId = stableUuid('taxonomy', TAXONOMY_NAME);

function term(kind: TermKind, value: string, name: string, description: string): TaxonomyTerm {
  const code = `${kind}/${value}`;
  return {
    id: stableUuid('taxonomy_term', TAXONOMY_NAME, code),
    code,
    name,
    description,
    taxonomy: TAXONOMY_NAME,
    taxonomy_id: taxonomyId,
    language: 'pl',
  };
}

/** Every term of the taxonomy "kooperacja": the export lists them all, so the vocabulary is documented. */
export const taxonomyTerms: TaxonomyTerm[] = [
  ...cooperationAreas.map((a) => term('area', a, areaLabels[a], `Obszar współpracy: ${areaLabels[a]}.`)),
  ...targetGroups.map((g) => term('targetGroup', g, targetGroupLabels[g], `Grupa docelowa: ${targetGroupLabels[g]}.`)),
  ...serviceOrigins.map((o) => term('origin', o, originLabels[o], `Pochodzenie usługi: ${originLabels[o]}.`)),
  ...serviceCosts.map((c) => term('cost', c, costLabels[c], `Odpłatność: ${costLabels[c]}.`)),
  term('locationKind', 'atHome', 'W domu osoby', 'Usługa świadczona w miejscu zamieszkania osoby.'),
  ...features.map((f) => term('feature', f, featureLabels[f].name, featureLabels[f].description)),
];
const termsByCode = new Map(taxonomyTerms.map((t) => [t.code, t]));
const termsById = new Map(taxonomyTerms.map((t) => [t.id, t]));

export const taxonomy = {
  id: taxonomyId,
  name: TAXONOMY_NAME,
  description:
    'Słownik platformy Kooperacja: obszary współpracy, grupy docelowe, pochodzenie i odpłatność usług koszyka.',
  version: '1',
};

// ---------------------------------------------------------------------------------------------
// Export

/** What the export needs of one published card: the contract's card fields and its dates. */
export type ExportService = Pick<
  typeof services.$inferSelect,
  'id' | ServiceCardField | 'lastConfirmedAt' | 'updatedAt'
>;

/** The registry entry of a provider: only its public, institutional contact data. */
export type ExportProvider = {
  id: string;
  name: string;
  shortName: string | null;
  kind: string;
  email: string | null;
  phone: string | null;
  website: string | null;
  city: string | null;
};

export type TerritoryInfo = { code: string; name: string; level: string; voivodeshipName: string };

export type ExportInput = {
  partnership: { id: string; name: string; territoryCode: string };
  services: ExportService[];
  providers: Map<string, ExportProvider>;
  territories: Map<string, TerritoryInfo>;
  /**
   * The contact person of a card (name, phone, e-mail) is personal data: only the signed-in export,
   * which is audited, carries it. Public open data never does.
   */
  includeContactPersons: boolean;
  generatedAt: Date;
  publisherUrl?: string;
};

export type HsdsDocument = {
  hsds_version: string;
  generator: string;
  generated_at: string;
  publisher: { name: string; url?: string };
  taxonomies: Array<typeof taxonomy>;
  taxonomy_terms: TaxonomyTerm[];
  organizations: Array<Record<string, unknown>>;
  locations: Array<Record<string, unknown>>;
  services: Array<Record<string, unknown>>;
};

const levelLabels: Record<string, string> = { gmina: 'gmina', powiat: 'powiat', voivodeship: 'województwo' };

/** A URL HSDS accepts as `format: uri`: absolute http(s) only; anything else is left out. */
function asUri(value: string | null): string | undefined {
  if (!value) return undefined;
  const candidate = /^https?:\/\//i.test(value) ? value : `https://${value}`;
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Drops undefined and null so that optional HSDS fields are absent rather than null (null is no string). */
function compact<T extends Record<string, unknown>>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));
}

/** The organization id of a card's provider: the registry id, or one derived from the provider's name. */
export function providerOrganizationId(partnershipId: string, service: ExportService): string {
  if (service.providerInstitutionId) return service.providerInstitutionId;
  return stableUuid('organization', partnershipId, normalizeForSearch(service.providerName ?? ''));
}

function attribute(serviceId: string, kind: TermKind, value: string, attributeValue?: string | null) {
  const t = termsByCode.get(`${kind}/${value}`)!;
  return compact({
    id: stableUuid('attribute', serviceId, t.code),
    link_id: serviceId,
    link_type: linkTypes[kind],
    link_entity: 'service',
    taxonomy_term_id: t.id,
    taxonomy_term: t,
    value: attributeValue ?? undefined,
  });
}

function applicationProcess(service: ExportService): string {
  const referral = service.isReferralRequired
    ? `Wymagane skierowanie: ${service.referralBy ?? ''}`.trim()
    : 'Bez skierowania.';
  return [service.accessDescription, referral].filter(Boolean).join('\n');
}

function buildOrganization(input: ExportInput, service: ExportService, id: string): Record<string, unknown> {
  const provider = service.providerInstitutionId ? input.providers.get(service.providerInstitutionId) : undefined;
  if (provider) {
    const kind = institutionKindLabels[provider.kind as keyof typeof institutionKindLabels] ?? provider.kind;
    return compact({
      id,
      name: provider.name,
      alternate_name: provider.shortName ?? undefined,
      description: [kind, provider.city].filter(Boolean).join(', '),
      email: provider.email ?? undefined,
      website: asUri(provider.website),
      phones: provider.phone ? [{ id: stableUuid('phone', id), organization_id: id, number: provider.phone }] : [],
    });
  }
  return {
    id,
    name: service.providerName ?? '',
    description:
      service.origin === 'selfHelp'
        ? 'Grupa samopomocowa spoza rejestru instytucji.'
        : 'Realizator spoza rejestru instytucji (usługa z sąsiedztwa).',
  };
}

function buildLocation(input: ExportInput, service: ExportService, organizationId: string) {
  if (service.locationKind === 'address') {
    const id = stableUuid('location', service.id);
    const territory = service.territoryCode ? input.territories.get(service.territoryCode) : undefined;
    const fallback = input.territories.get(input.partnership.territoryCode);
    return compact({
      id,
      location_type: 'physical',
      organization_id: organizationId,
      name: [service.street, service.city].filter(Boolean).join(', '),
      external_identifier: service.territoryCode ?? undefined,
      external_identifier_type: service.territoryCode ? TERYT_SCHEME : undefined,
      addresses: [
        {
          id: stableUuid('address', service.id),
          location_id: id,
          address_1: service.street ?? service.city ?? '',
          city: service.city ?? '',
          state_province: (territory ?? fallback)?.voivodeshipName ?? '',
          postal_code: service.postalCode ?? '',
          country: 'PL',
          address_type: 'physical',
        },
      ],
      accessibility:
        service.isAccessible || service.accessibilityDescription
          ? [
              compact({
                id: stableUuid('accessibility', service.id),
                location_id: id,
                description: service.accessibilityDescription ?? 'Dostępna dla osób z niepełnosprawnościami.',
              }),
            ]
          : [],
    });
  }
  if (service.locationKind === 'remote') {
    const id = stableUuid('location', 'virtual', organizationId);
    return {
      id,
      location_type: 'virtual',
      organization_id: organizationId,
      name: 'Zdalnie (telefon, internet)',
      description: 'Usługa świadczona zdalnie.',
    };
  }
  return null;
}

function buildService(input: ExportInput, service: ExportService, organizationId: string, locationId: string | null) {
  const id = service.id;
  const areas = service.cooperationAreas.filter((a) => termsByCode.has(`area/${a}`));
  const groups = service.targetGroups.filter((g) => termsByCode.has(`targetGroup/${g}`));
  const attributes = [
    ...areas.map((a) => attribute(id, 'area', a)),
    ...groups.map((g) => attribute(id, 'targetGroup', g)),
    attribute(id, 'origin', service.origin),
    attribute(id, 'cost', service.cost),
    ...(service.locationKind === 'atHome' ? [attribute(id, 'locationKind', 'atHome')] : []),
    ...(service.isCompound ? [attribute(id, 'feature', 'compound')] : []),
    ...(service.isReferralRequired ? [attribute(id, 'feature', 'referralRequired', service.referralBy)] : []),
    ...(service.isAccessible ? [attribute(id, 'feature', 'accessible', service.accessibilityDescription)] : []),
    ...(service.capacity ? [attribute(id, 'feature', 'capacity', service.capacity)] : []),
  ];
  const contacts =
    input.includeContactPersons && (service.contactName || service.contactEmail || service.contactPhone)
      ? [
          compact({
            id: stableUuid('contact', id),
            service_id: id,
            name: service.contactName ?? undefined,
            email: service.contactEmail ?? undefined,
            phones: service.contactPhone
              ? [
                  {
                    id: stableUuid('phone', 'contact', id),
                    contact_id: stableUuid('contact', id),
                    number: service.contactPhone,
                  },
                ]
              : [],
          }),
        ]
      : [];
  const reach = service.reachCodes.map((code) => {
    const territory = input.territories.get(code);
    const level = territory ? (levelLabels[territory.level] ?? territory.level) : '';
    return compact({
      id: stableUuid('service_area', id, code),
      service_id: id,
      name: territory ? `${territory.name} (${level})` : code,
      extent: code,
      extent_type: 'text',
      description: `${TERYT_SCHEME} ${code}${territory ? `: ${level} ${territory.name}` : ''}`,
    });
  });
  return compact({
    id,
    organization_id: organizationId,
    name: service.name,
    description: service.description,
    status: 'active',
    eligibility_description: service.eligibility ?? undefined,
    application_process: applicationProcess(service),
    fees_description: [costLabels[service.cost as ServiceCost] ?? service.cost, service.costDescription]
      .filter(Boolean)
      .join(': '),
    wait_time: service.waitingTimeDays !== null ? `${service.waitingTimeDays} dni` : undefined,
    assured_date: service.lastConfirmedAt ? service.lastConfirmedAt.toISOString().slice(0, 10) : undefined,
    last_modified: service.updatedAt.toISOString(),
    cost_options: [
      compact({
        id: stableUuid('cost_option', id),
        service_id: id,
        option: costLabels[service.cost as ServiceCost] ?? service.cost,
        currency: 'PLN',
        amount: service.cost === 'free' ? 0 : undefined,
        amount_description: service.costDescription ?? undefined,
      }),
    ],
    languages: service.languages.map((code) =>
      compact({ id: stableUuid('language', id, code), service_id: id, code, name: languageLabels[code] ?? code }),
    ),
    schedules: service.schedule
      ? [{ id: stableUuid('schedule', id), service_id: id, description: service.schedule }]
      : [],
    service_areas: reach,
    service_at_locations: locationId
      ? [{ id: stableUuid('service_at_location', id, locationId), service_id: id, location_id: locationId }]
      : [],
    contacts,
    phones: [],
    attributes,
  });
}

/** Builds the HSDS document of the given published cards. */
export function buildHsdsDocument(input: ExportInput): HsdsDocument {
  const organizations = new Map<string, Record<string, unknown>>();
  const locations = new Map<string, Record<string, unknown>>();
  const services: Array<Record<string, unknown>> = [];
  for (const service of input.services) {
    const organizationId = providerOrganizationId(input.partnership.id, service);
    if (!organizations.has(organizationId)) {
      organizations.set(organizationId, buildOrganization(input, service, organizationId));
    }
    const location = buildLocation(input, service, organizationId);
    if (location) locations.set(location.id as string, location);
    services.push(buildService(input, service, organizationId, (location?.id as string | undefined) ?? null));
  }
  return {
    hsds_version: HSDS_VERSION,
    generator: 'Kooperacja',
    generated_at: input.generatedAt.toISOString(),
    publisher: compact({ name: input.partnership.name, url: input.publisherUrl }) as HsdsDocument['publisher'],
    taxonomies: [taxonomy],
    taxonomy_terms: taxonomyTerms,
    organizations: [...organizations.values()],
    locations: [...locations.values()],
    services,
  };
}

// ---------------------------------------------------------------------------------------------
// Import

type Json = Record<string, unknown>;

/** An institution a service's organization may be matched to. */
export type ImportInstitution = { id: string; name: string; isMember: boolean };

export type ImportContext = {
  /** The partnership's gmina: the reach of a service with no usable service_areas. */
  partnershipTerritoryCode: string;
  /** Members (leader included) with isMember, and registry entries found by id. */
  institutions: ImportInstitution[];
};

/** A card read from one HSDS service, before the card checks; notes say what was assumed. */
export type MappedService = {
  sourceId: string | null;
  card: Record<string, unknown>;
  notes: Array<{ field: string; code: ImportNoteCode }>;
};

/**
 * One service read from the document alone (in the import worker, hsds.read.ts): plain data. The
 * provider is matched to the partnership's institutions and a missing reach filled in afterwards,
 * on the main thread, by hsdsServiceResolver.
 */
export type ReadHsdsService = {
  sourceId: string | null;
  /** The card without providerInstitutionId, providerName and origin, and without a reach when the document has none. */
  card: Record<string, unknown>;
  provider: {
    /** The id an institution is looked up by: the organization's own id, else the service's organization_id. */
    lookupId: string | null;
    organizationName: string | null;
    declaredOrigin: ServiceOrigin | null;
  };
  hasReach: boolean;
  notes: MappedService['notes'];
};

/** The document's lists by id, built once per document (not once per service: that is quadratic). */
export type HsdsIndex = {
  terms: Map<string, Json>;
  organizations: Map<string, Json>;
  locations: Map<string, Json>;
};

export type ImportNoteCode =
  'defaultArea' | 'defaultTargetGroup' | 'defaultReach' | 'defaultCost' | 'defaultLocation' | 'organizationNotFound';

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const arrayOf = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

/** The kooperacja terms a service's attributes name, as { kind, value, attributeValue }. */
function readTerms(service: Json, documentTerms: Map<string, Json>) {
  const found: Array<{ kind: string; value: string; attributeValue: string | null }> = [];
  for (const attr of arrayOf(service.attributes)) {
    const embedded = isObject(attr.taxonomy_term) ? attr.taxonomy_term : undefined;
    const termId = text(attr.taxonomy_term_id) ?? text(embedded?.id);
    const candidate = embedded ?? (termId ? documentTerms.get(termId) : undefined);
    const known = termId ? termsById.get(termId) : undefined;
    const code =
      known?.code ??
      (candidate && (text(candidate.taxonomy) ?? '').toLowerCase() === TAXONOMY_NAME ? text(candidate.code) : null);
    if (!code || !code.includes('/')) continue;
    const [kind, value] = code.split('/', 2) as [string, string];
    found.push({ kind, value, attributeValue: text(attr.value) });
  }
  return found;
}

/** TERYT codes of the service areas: the extent when it is a code, else "TERYT ... <code>" in the text. */
function readReachCodes(service: Json): string[] {
  const codes: string[] = [];
  for (const area of arrayOf(service.service_areas)) {
    const extent = text(area.extent);
    if (extent && /^\d{2}(\d{2}(\d{3})?)?$/.test(extent)) {
      codes.push(extent);
      continue;
    }
    const match = /TERYT(?:\s+TERC)?:?\s*(\d{7}|\d{4}|\d{2})\b/i.exec(
      `${extent ?? ''} ${text(area.description) ?? ''} ${text(area.name) ?? ''}`,
    );
    if (match) codes.push(match[1]!);
  }
  return [...new Set(codes)];
}

function reachOf(codes: string[]): { reachKind: string; reachCodes: string[] } {
  const lengths = new Set(codes.map((c) => c.length));
  // Mixed levels are not one reach: left as gminas so that the card check names the codes.
  if (lengths.size === 1 && lengths.has(4)) return { reachKind: 'powiat', reachCodes: codes };
  if (lengths.size === 1 && lengths.has(2)) return { reachKind: 'voivodeship', reachCodes: codes };
  return { reachKind: 'gminas', reachCodes: codes };
}

const referralLine = /^(Wymagane skierowanie:.*|Bez skierowania\.)$/;

export function indexHsdsDocument(document: Json): HsdsIndex {
  const byId = (list: unknown) => new Map(arrayOf(list).map((item) => [String(item.id), item]));
  return {
    terms: byId(document.taxonomy_terms),
    organizations: byId(document.organizations),
    locations: byId(document.locations),
  };
}

/** Reads one HSDS service of the indexed document into a card (not yet validated, provider not matched). */
export function readHsdsService(index: HsdsIndex, service: Json): ReadHsdsService {
  const notes: MappedService['notes'] = [];
  const { organizations, locations } = index;
  const terms = readTerms(service, index.terms);
  const termValues = (kind: string) => terms.filter((t) => t.kind === kind).map((t) => t.value);
  const feature = (name: Feature) => terms.find((t) => t.kind === 'feature' && t.value === name);

  const organizationId = text(service.organization_id);
  const organization =
    (organizationId ? organizations.get(organizationId) : undefined) ??
    (isObject(service.organization) ? service.organization : undefined);
  if (!organization) notes.push({ field: 'organization_id', code: 'organizationNotFound' });
  const declaredOrigin =
    termValues('origin').find((o): o is ServiceOrigin => (serviceOrigins as readonly string[]).includes(o)) ?? null;
  const provider = {
    lookupId: text(organization?.id) ?? organizationId,
    organizationName: text(organization?.name),
    declaredOrigin,
  };

  const areas = termValues('area').filter((a): a is CooperationArea =>
    (cooperationAreas as readonly string[]).includes(a),
  );
  if (areas.length === 0) notes.push({ field: 'cooperationAreas', code: 'defaultArea' });
  const groups = termValues('targetGroup').filter((g): g is TargetGroup =>
    (targetGroups as readonly string[]).includes(g),
  );
  if (groups.length === 0) notes.push({ field: 'targetGroups', code: 'defaultTargetGroup' });

  const costOptions = arrayOf(service.cost_options);
  const declaredCost = termValues('cost').find((c): c is ServiceCost =>
    (serviceCosts as readonly string[]).includes(c),
  );
  const feesText = `${text(service.fees_description) ?? ''} ${text(service.fees) ?? ''}`.toLowerCase();
  let cost: ServiceCost;
  if (declaredCost) cost = declaredCost;
  else if (costOptions.some((o) => o.amount === 0) || /bezpłat|nieodpłat|\bfree\b/.test(feesText)) cost = 'free';
  else if (/dochod|means/.test(feesText)) cost = 'meansTested';
  else if (costOptions.some((o) => typeof o.amount === 'number' && o.amount > 0) || feesText.trim()) cost = 'paid';
  else {
    cost = 'free';
    notes.push({ field: 'cost', code: 'defaultCost' });
  }
  const costDescription =
    text(costOptions[0]?.amount_description) ??
    (declaredCost ? null : (text(service.fees_description) ?? text(service.fees)));

  // Where: a physical location with an address, a virtual one, or "at home" from our taxonomy.
  const linkedLocations = arrayOf(service.service_at_locations)
    .map((sal) => (isObject(sal.location) ? sal.location : locations.get(String(sal.location_id))))
    .filter((l): l is Json => l !== undefined);
  const physical = linkedLocations.find((l) => l.location_type === 'physical' && arrayOf(l.addresses).length > 0);
  const virtual = linkedLocations.find((l) => l.location_type === 'virtual');
  let location: Record<string, unknown>;
  if (termValues('locationKind').includes('atHome')) {
    location = { locationKind: 'atHome' };
  } else if (physical) {
    const address = arrayOf(physical.addresses)[0]!;
    const city = text(address.city);
    const street = text(address.address_1);
    const postalCode = text(address.postal_code);
    const externalId = text(physical.external_identifier);
    location = {
      locationKind: 'address',
      city,
      street: street && street !== city ? street : null,
      postalCode: postalCode && /^\d{2}-\d{3}$/.test(postalCode) ? postalCode : null,
      territoryCode: externalId && /^\d{7}$/.test(externalId) ? externalId : null,
    };
  } else if (virtual) {
    location = { locationKind: 'remote' };
  } else {
    location = { locationKind: 'remote' };
    notes.push({ field: 'locationKind', code: 'defaultLocation' });
  }
  const accessibilityText = physical
    ? arrayOf(physical.accessibility)
        .map((a) => text(a.description))
        .filter(Boolean)
        .join('\n')
    : '';
  const accessible = feature('accessible');

  const reachCodes = readReachCodes(service);
  if (reachCodes.length === 0) notes.push({ field: 'reachCodes', code: 'defaultReach' });
  const reach = reachCodes.length > 0 ? reachOf(reachCodes) : {};

  const referral = feature('referralRequired');
  const applicationLines = (text(service.application_process) ?? '').split('\n');
  const accessDescription = applicationLines
    .filter((line) => !referralLine.test(line.trim()))
    .join('\n')
    .trim();

  const contact = arrayOf(service.contacts)[0];
  const phone = text(arrayOf(contact?.phones)[0]?.number) ?? text(arrayOf(service.phones)[0]?.number) ?? null;
  const languageCodes = arrayOf(service.languages)
    .map((l) => text(l.code)?.toLowerCase())
    .filter((code): code is string => !!code && /^[a-z]{2}$/.test(code));
  const schedules = arrayOf(service.schedules)
    .map((s) => text(s.description) ?? [text(s.byday), text(s.opens_at), text(s.closes_at)].filter(Boolean).join(' '))
    .filter(Boolean);
  const waitMatch = /^(\d{1,4})\b/.exec(text(service.wait_time) ?? '');

  const card: Record<string, unknown> = {
    name: text(service.name) ?? '',
    description: text(service.description) ?? text(service.name) ?? '',
    cooperationAreas: areas.length > 0 ? [...new Set(areas)] : ['socialAssistance'],
    targetGroups: groups.length > 0 ? [...new Set(groups)] : ['all'],
    isCompound: Boolean(feature('compound')),
    isReferralRequired: Boolean(referral),
    referralBy: referral?.attributeValue ?? null,
    accessDescription: accessDescription || null,
    eligibility: text(service.eligibility_description),
    cost,
    costDescription,
    ...location,
    ...reach,
    schedule: schedules.length > 0 ? schedules.join('\n') : null,
    capacity: feature('capacity')?.attributeValue ?? null,
    waitingTimeDays: waitMatch ? Number(waitMatch[1]) : null,
    contactName: text(contact?.name),
    contactPhone: phone,
    contactEmail: text(contact?.email) ?? text(service.email),
    languages: languageCodes.length > 0 ? [...new Set(languageCodes)] : ['pl'],
    isAccessible: Boolean(accessible) || accessibilityText !== '',
    accessibilityDescription: accessible?.attributeValue ?? (accessibilityText || null),
  };
  return { sourceId: text(service.id), card, provider, hasReach: reachCodes.length > 0, notes };
}

/**
 * Matching of read services to the partnership's institutions, prepared once per import: a member
 * (leader included) by id or by name makes a partner service; a registry institution outside the
 * partnership stays linked when the id matches exactly; anything else is a neighbourhood (or
 * self-help, when declared) service named as in the document.
 */
export function hsdsServiceResolver(context: ImportContext): (read: ReadHsdsService) => MappedService {
  const byId = new Map<string, ImportInstitution>();
  const membersByName = new Map<string, ImportInstitution>();
  for (const institution of context.institutions) {
    if (!byId.has(institution.id)) byId.set(institution.id, institution);
    const name = normalizeForSearch(institution.name);
    if (institution.isMember && !membersByName.has(name)) membersByName.set(name, institution);
  }
  return ({ sourceId, card, provider, hasReach, notes }) => {
    const found = provider.lookupId ? byId.get(provider.lookupId) : undefined;
    const byName = provider.organizationName
      ? membersByName.get(normalizeForSearch(provider.organizationName))
      : undefined;
    const member = found?.isMember ? found : byName;
    const origin: ServiceOrigin = member
      ? 'partner'
      : provider.declaredOrigin === 'selfHelp'
        ? 'selfHelp'
        : 'neighbourhood';
    const providerInstitutionId = member ? member.id : (found?.id ?? null);
    const providerName = member || found ? null : (provider.organizationName ?? 'Realizator nieznany');
    const reach = hasReach ? {} : { reachKind: 'gminas', reachCodes: [context.partnershipTerritoryCode] };
    return { sourceId, card: { ...card, providerInstitutionId, providerName, origin, ...reach }, notes };
  };
}
