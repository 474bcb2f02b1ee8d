/**
 * The layer rule (docs/ARCHITECTURE.md), as a local ESLint plugin: no dependency, and it decides by
 * the file an import resolves to, not by how the path is spelled, so a new domain folder is covered
 * the day it appears (deny by default).
 *
 *   shared/src        isomorphic: no Node modules, no React, no server or web code
 *   web/src           imports no server code
 *   server/src/platform/**      below the domains: imports no domain, harness or composition root
 *   server/src/<domain>/**      its own folder, platform, shared, and other domains' public surface
 *   server/src/{*.ts,testing,demo}   the composition root and what builds whole apps: anything
 *
 * A domain's public surface: its root `index.ts`, and anywhere in it `*.policy.ts`, `*.queries.ts`
 * (the scoped `visible...Where` helpers) and `*.events.ts`; plus the files named in the
 * `serviceSurfaces` option for domains that serve every other (audit, notifications).
 * Tests (`*.test.ts`) exercise whole apps and are exempt from the platform and domain rules.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nodeModules = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const browserOnlyOrUiPackages = new Set(['react', 'react-dom']);
const rootFolders = new Set(['testing', 'demo']);
const surfaceSuffixes = ['.policy', '.queries', '.events'];

/** Where a repository path sits: layer plus, for a domain, its name and path inside it. */
function locate(absolutePath) {
  const relative = path.relative(repositoryRoot, absolutePath).split(path.sep).join('/');
  const parts = relative.split('/');
  if (relative.startsWith('shared/src/')) return { layer: 'shared', relative };
  if (relative.startsWith('web/')) return { layer: 'web', relative };
  if (relative.startsWith('server/src/')) {
    const rest = parts.slice(2);
    if (rest.length === 1) return { layer: 'root', relative };
    if (rest[0] === 'platform') return { layer: 'platform', relative };
    if (rootFolders.has(rest[0])) return { layer: 'root', relative };
    return { layer: 'domain', domain: rest[0], inner: rest.slice(1).join('/'), relative };
  }
  if (relative.startsWith('server/')) return { layer: 'server', relative };
  return { layer: 'other', relative };
}

function stemOf(file) {
  return path.basename(file).replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
}

function isPublicSurface(target, serviceSurfaces) {
  const stem = stemOf(target.inner);
  if (target.inner === stem || stem === 'index') return target.inner.split('/').length === 1;
  if (surfaceSuffixes.some((suffix) => stem.endsWith(suffix))) return true;
  return (serviceSurfaces[target.domain] ?? []).includes(stem);
}

const messages = {
  sharedImportsNode:
    "shared/ is isomorphic (it runs in the browser and on the server): '{{source}}' is a Node module. Keep Node code in server/.",
  sharedImportsUi: "shared/ is isomorphic and holds no UI: '{{source}}' belongs in web/.",
  sharedImportsApp:
    "shared/ is below both apps: it imports no server or web code ('{{source}}'). Move the common part into shared/.",
  webImportsServer:
    "web/ runs in the browser and talks to the server only through the API: it imports no server code ('{{source}}'). Share types through shared/src/contracts.",
  serverImportsWeb: "The server does not import the web client's code ('{{source}}'); share through shared/.",
  platformImportsDomain:
    "platform/ sits below the domains and imports none of them ('{{source}}' is in {{target}}). The composition root (server/src/composition.ts) hands the platform what it needs; see docs/ARCHITECTURE.md.",
  domainImportsRoot:
    "A domain does not import the composition root, the test harness or the demo data ('{{source}}'); they sit above the domains.",
  domainImportsInternals:
    "The {{domain}} domain reaches into the internals of {{other}} ('{{source}}'). Import its public surface instead: {{other}}/index.ts, a *.policy.ts, *.queries.ts or *.events.ts (subscribe to its event), see docs/ARCHITECTURE.md.",
};

const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps the layers of docs/ARCHITECTURE.md: who may import whom.' },
    schema: [
      {
        type: 'object',
        properties: {
          serviceSurfaces: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        },
        additionalProperties: false,
      },
    ],
    messages,
  },
  create(context) {
    const serviceSurfaces = context.options[0]?.serviceSurfaces ?? {};
    const importer = locate(context.filename);
    const isTest = /\.test\.[cm]?[jt]sx?$/.test(context.filename);

    function check(node, source) {
      if (typeof source !== 'string') return;
      const report = (messageId, data = {}) => context.report({ node, messageId, data: { source, ...data } });
      const isRelative = source.startsWith('.');
      if (!isRelative) {
        if (importer.layer === 'shared' && nodeModules.has(source)) return report('sharedImportsNode');
        if (importer.layer === 'shared' && browserOnlyOrUiPackages.has(source.split('/')[0])) {
          return report('sharedImportsUi');
        }
        return;
      }
      const target = locate(path.resolve(path.dirname(context.filename), source));
      switch (importer.layer) {
        case 'shared':
          if (['web', 'root', 'platform', 'domain', 'server'].includes(target.layer)) report('sharedImportsApp');
          return;
        case 'web':
          if (['root', 'platform', 'domain', 'server'].includes(target.layer)) report('webImportsServer');
          return;
        default:
          break;
      }
      if (target.layer === 'web' && ['root', 'platform', 'domain', 'server'].includes(importer.layer)) {
        return report('serverImportsWeb');
      }
      if (isTest) return;
      if (importer.layer === 'platform' && (target.layer === 'domain' || target.layer === 'root')) {
        return report('platformImportsDomain', { target: target.relative });
      }
      if (importer.layer === 'domain') {
        if (target.layer === 'root') return report('domainImportsRoot');
        if (
          target.layer === 'domain' &&
          target.domain !== importer.domain &&
          !isPublicSurface(target, serviceSurfaces)
        ) {
          return report('domainImportsInternals', { domain: importer.domain, other: target.domain });
        }
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export const layersPlugin = { meta: { name: 'layers' }, rules: { boundaries } };
