// Instances and validation for the schema round-trip harness (run.py drives it).
//
//   node schema.mjs generate SPEC SCHEMAS.json N SEED OUT.json
//     For every JSON pointer in SCHEMAS.json (the output of `oagen schemas SPEC`), N instances
//     from json-schema-faker, each kept only if ajv (JSON Schema 2020-12) accepts it. Writes
//     {schemas: {pointer: {tried, valid, faker_errors, invalid, error}}, instances: [...]}.
//   node schema.mjs validate SPEC IN.json OUT.json
//     IN.json is [{schema, value}]; writes [{valid, error}] in the same order.
//
// The spec's `components` become one JSON Schema document:
// - OpenAPI 3.1 schemas are JSON Schema 2020-12 already;
// - OpenAPI 3.0 (a JSON Schema draft-05 dialect) is converted: `nullable: true` adds `null`
//   to `type` (and `enum`), or wraps a schema without `type` (a `$ref`, an `allOf`) in
//   `anyOf: [schema, {type: null}]`; boolean `exclusiveMinimum`/`exclusiveMaximum` become the
//   numeric form;
// - in both, a `discriminator` on a `oneOf`/`anyOf` is enforced as OpenAPI defines it: each
//   branch requires the tag property with the values the `mapping` gives it, or its schema
//   name when the mapping does not list it (OpenAPI 3.1 §4.8.25, 3.0 §4.7.25).
// Generation is deterministic: each instance gets its own seeded generator (seed, pointer,
// index), so an instance does not depend on which other schemas or how many are generated.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { JSONSchemaFaker as jsf } from 'json-schema-faker';
import YAML from 'yaml';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

// Keys whose values are data, not schemas: never converted.
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const', 'xml', 'externalDocs']);

// Keys whose value must be a schema.
const SCHEMA_KEYS = ['if', 'then', 'else', 'not', 'items', 'additionalProperties', 'contains', 'propertyNames',
  'unevaluatedProperties', 'unevaluatedItems'];

function loadSpec(path) {
  const text = fs.readFileSync(path, 'utf8');
  const doc = /\.ya?ml$/i.test(path) ? YAML.parse(text, { maxAliasCount: -1, intAsBigInt: false }) : JSON.parse(text);
  const version = String(doc.openapi || '');
  return { doc, dialect: version.startsWith('3.0') ? '3.0' : '3.1' };
}

function refName(ref) {
  const parts = String(ref).split('/');
  return parts[parts.length - 1].replace(/~1/g, '/').replace(/~0/g, '~');
}

function enforceDiscriminator(node) {
  const d = node.discriminator;
  if (!d || typeof d.propertyName !== 'string') return;
  const mapping = d.mapping && typeof d.mapping === 'object' ? d.mapping : {};
  for (const key of ['oneOf', 'anyOf']) {
    if (!Array.isArray(node[key])) continue;
    node[key] = node[key].map((branch) => {
      if (!branch || typeof branch.$ref !== 'string') return branch;
      const target = branch.$ref;
      let values = Object.entries(mapping)
        .filter(([, to]) => to === target || refName(to) === refName(target))
        .map(([value]) => value);
      if (values.length === 0) values = [refName(target)];
      return {
        allOf: [branch, { required: [d.propertyName], properties: { [d.propertyName]: { enum: values } } }],
      };
    });
  }
}

function convert(node, dialect) {
  if (Array.isArray(node)) return node.map((n) => convert(n, dialect));
  if (!node || typeof node !== 'object') return node;
  let out = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = DATA_KEYS.has(k) || k.startsWith('x-') ? v : convert(v, dialect);
  }
  // A schema keyword whose value is no schema (Bird writes `if: null`) constrains nothing.
  for (const k of SCHEMA_KEYS) if (k in out && (out[k] === null || typeof out[k] !== 'object') && typeof out[k] !== 'boolean') delete out[k];
  enforceDiscriminator(out);
  if (dialect === '3.0') {
    for (const [bound, excl] of [['minimum', 'exclusiveMinimum'], ['maximum', 'exclusiveMaximum']]) {
      if (out[excl] === true && typeof out[bound] === 'number') {
        out[excl] = out[bound];
        delete out[bound];
      } else if (typeof out[excl] === 'boolean') {
        delete out[excl];
      }
    }
    if (typeof out.nullable === 'boolean') {
      const nullable = out.nullable;
      delete out.nullable;
      if (nullable) {
        if (typeof out.type === 'string') {
          out.type = [out.type, 'null'];
          if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
        } else if (out.type === undefined) {
          out = { anyOf: [out, { type: 'null' }] };
        }
      }
    }
  }
  return out;
}

// `additionalProperties: false` written beside `allOf`/`oneOf`/`anyOf`, or in an `allOf`
// branch, read literally (JSON Schema) admits no property declared by another branch, so no
// instance with one is valid: AssemblyAI's `TranscriptParams` (`allOf` of a closed base and its
// own properties) or `TranscriptWebhookNotification` (closed, properties only in `oneOf`
// branches). Their authors mean the merged object closed, and so do oagen's merged types; that
// is what JSON Schema 2020-12 says with `unevaluatedProperties: false` on the outer schema. So
// such a schema gets that instead, and a closed `allOf` branch is used through an open copy
// (a `$ref` branch's target copied, its own `$ref`s absolute, so they still resolve).
function closeCompositions(components) {
  const target = (ref) => ref.slice(2).split('/').map((q) => q.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((n, k) => (n && typeof n === 'object' ? n[k] : undefined), { components });
  const seen = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    for (const [k, v] of Object.entries(node)) if (!DATA_KEYS.has(k) && !k.startsWith('x-')) walk(v);
    let closed = false;
    if (Array.isArray(node.allOf)) {
      node.allOf = node.allOf.map((b) => {
        const resolved = b && typeof b.$ref === 'string' && b.$ref.startsWith('#/') ? target(b.$ref) : b;
        if (!resolved || typeof resolved !== 'object' || resolved.additionalProperties !== false) return b;
        closed = true;
        const { additionalProperties, ...open } = resolved;
        return open;
      });
    }
    const composed = ['allOf', 'oneOf', 'anyOf'].some((k) => Array.isArray(node[k]));
    if (composed && node.additionalProperties === false) {
      delete node.additionalProperties;
      closed = true;
    }
    if (closed && node.additionalProperties === undefined && node.unevaluatedProperties === undefined) {
      node.unevaluatedProperties = false;
    }
  };
  walk(components);
  return components;
}

function readComponents(doc, dialect) {
  return closeCompositions(convert(doc.components || {}, dialect));
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

// The components a schema needs: the top-level entries (`components/<section>/<name>`) its
// `$ref`s reach, transitively. json-schema-faker rewrites the schemas it is given, so each
// instance is generated from a fresh copy of these.
function closure(components, pointer) {
  const out = {};
  const stack = [pointer];
  const seen = new Set();
  while (stack.length) {
    const parts = stack.pop().split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (parts[0] !== 'components' || parts.length < 3) continue;
    const key = `${parts[1]}/${parts[2]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const node = components[parts[1]] && components[parts[1]][parts[2]];
    if (node === undefined) continue;
    (out[parts[1]] ||= {})[parts[2]] = node;
    const walk = (n) => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        if (typeof n.$ref === 'string' && n.$ref.startsWith('#/')) stack.push(n.$ref.slice(1));
        Object.values(n).forEach(walk);
      }
    };
    walk(node);
  }
  return JSON.stringify(out);
}

// For json-schema-faker only: an object schema that declares properties but says nothing of
// `additionalProperties` gets no made-up undeclared properties. JSON Schema allows them, but
// they are not the schema's data: oagen's structs keep the declared properties (and the others
// only where `additionalProperties` is given), as serde ignores unknown fields.
function closeObjects(node) {
  if (Array.isArray(node)) node.forEach(closeObjects);
  else if (node && typeof node === 'object') {
    if (node.properties && typeof node.properties === 'object' && !('additionalProperties' in node)
      && !('patternProperties' in node) && !('unevaluatedProperties' in node)) {
      node.additionalProperties = false;
    }
    for (const [k, v] of Object.entries(node)) if (!DATA_KEYS.has(k)) closeObjects(v);
  }
  return node;
}

// Removes from an instance the properties its schema does not declare, where the schema says
// nothing of other properties (no `additionalProperties`, `patternProperties`, or free-form
// object): json-schema-faker sometimes makes some up anyway. A property declared by an `allOf`
// or `if`/`then`/`else` branch (through `$ref`s) counts as declared; one declared by a
// `oneOf`/`anyOf` branch counts only when the instance matches that branch (validated on its
// own, as `oneOf` does): a property of a branch the instance is not is undeclared for it, and
// oagen's variant type for the branch it is drops it like any undeclared property. Schemas are
// `{s, p}`: the schema and its JSON pointer (`null` where unknown: then every branch counts).
function stripUndeclared(instance, schemas, root, validator) {
  const flat = [];
  const seen = new Set();
  const matches = (p) => {
    if (p === null || !validator) return true;
    const v = validator(p);
    if (v.error) return true;
    try {
      return v.validate(instance);
    } catch (e) {
      // A branch that only makes sense inside its parent (a recursive reference that resolves
      // differently out of context) cannot be checked alone: it counts.
      if (process.env.RT_DEBUG) console.error(`cannot validate ${p} alone: ${String(e).slice(0, 100)}`);
      return true;
    }
  };
  const visit = ({ s, p }, depth) => {
    if (!s || typeof s !== 'object' || depth > 64 || seen.has(s)) return;
    seen.add(s);
    if (typeof s.$ref === 'string' && s.$ref.startsWith('#/')) {
      const target = s.$ref.slice(2).split('/').map((q) => q.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((n, k) => (n && typeof n === 'object' ? n[k] : undefined), root);
      visit({ s: target, p: s.$ref.slice(1) }, depth + 1);
    }
    flat.push({ s, p });
    const at = (k, i) => (p === null ? null : `${p}/${k}${i === undefined ? '' : `/${i}`}`);
    if (Array.isArray(s.allOf)) s.allOf.forEach((b, i) => visit({ s: b, p: at('allOf', i) }, depth + 1));
    for (const k of ['anyOf', 'oneOf']) {
      if (!Array.isArray(s[k])) continue;
      const branches = s[k].map((b, i) => ({ s: b, p: at(k, i) }));
      const matched = branches.filter((b) => matches(b.p));
      (matched.length ? matched : branches).forEach((b) => visit(b, depth + 1));
    }
    for (const k of ['if', 'then', 'else']) visit({ s: s[k], p: at(k) }, depth + 1);
  };
  schemas.forEach((s) => visit(s, 0));
  const escape = (k) => k.replace(/~/g, '~0').replace(/\//g, '~1');
  if (Array.isArray(instance)) {
    const items = flat.filter(({ s }) => s.items && typeof s.items === 'object')
      .map(({ s, p }) => ({ s: s.items, p: p === null ? null : `${p}/items` }));
    return instance.map((v) => stripUndeclared(v, items, root, validator));
  }
  if (!instance || typeof instance !== 'object') return instance;
  const declared = new Set(flat.flatMap(({ s }) => Object.keys(s.properties || {})));
  const open = flat.some(({ s }) => (s.additionalProperties !== undefined && s.additionalProperties !== false)
    || s.patternProperties || s.unevaluatedProperties) || declared.size === 0;
  const out = {};
  for (const [k, v] of Object.entries(instance)) {
    if (!open && !declared.has(k)) continue;
    const subs = flat.map(({ s, p }) => {
      if (s.properties && s.properties[k]) return { s: s.properties[k], p: p === null ? null : `${p}/properties/${escape(k)}` };
      if (!declared.has(k) && s.additionalProperties) return { s: s.additionalProperties, p: p === null ? null : `${p}/additionalProperties` };
      return { s: undefined, p: null };
    });
    out[k] = stripUndeclared(v, subs.filter(({ s }) => s && typeof s === 'object'), root, validator);
  }
  return out;
}

function makeAjv(components) {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: false,
    validateFormats: true,
    logger: false,
    unicodeRegExp: false,
  });
  addFormats(ajv);
  ajv.addSchema({ $id: 'oagen:spec', components }, 'oagen:spec');
  const cache = new Map();
  return (pointer) => {
    if (!cache.has(pointer)) {
      try {
        cache.set(pointer, { validate: ajv.compile({ $ref: `oagen:spec#${pointer}` }) });
      } catch (e) {
        cache.set(pointer, { error: `validator cannot compile the schema: ${String(e.message || e).slice(0, 300)}` });
      }
    }
    return cache.get(pointer);
  };
}

function errorText(validate) {
  const e = (validate.errors || [])[0];
  return e ? `${e.instancePath || '/'} ${e.message} (${e.schemaPath})` : '';
}

function generate([spec, schemasFile, n, seed, outFile]) {
  const { doc, dialect } = loadSpec(spec);
  const components = readComponents(doc, dialect);
  const pointers = Object.keys(JSON.parse(fs.readFileSync(schemasFile, 'utf8')));
  const validator = makeAjv(structuredClone(components));
  let rng = Math.random;
  jsf.option({
    alwaysFakeOptionals: false,
    optionalsProbability: 0.5,
    fixedProbabilities: false,
    refDepthMin: 0,
    refDepthMax: 3,
    maxItems: 3,
    failOnInvalidTypes: false,
    failOnInvalidFormat: false,
    useDefaultValue: false,
    useExamplesValue: false,
    random: () => rng(),
  });
  // ajv-formats checks `format: url` (AssemblyAI's URLs); json-schema-faker does not know it.
  jsf.format('url', () => `https://example.com/${Math.floor(rng() * 1e6)}`);
  jsf.format('byte', () => {
    const bytes = Buffer.alloc(1 + Math.floor(rng() * 12));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rng() * 256);
    return bytes.toString('base64');
  });
  const result = { dialect, schemas: {}, instances: [] };
  for (const pointer of pointers) {
    const stats = { tried: 0, valid: 0, faker_errors: 0, invalid: 0, error: '' };
    result.schemas[pointer] = stats;
    const v = validator(pointer);
    if (v.error) {
      stats.error = v.error;
      continue;
    }
    const needed = JSON.stringify(closeObjects(JSON.parse(closure(components, pointer))));
    for (let i = 0; i < Number(n); i++) {
      stats.tried++;
      rng = mulberry32(hash(`${seed}:${pointer}:${i}`));
      let instance;
      try {
        instance = jsf.generate({ $ref: `#${pointer}`, components: JSON.parse(needed) });
      } catch (e) {
        stats.faker_errors++;
        if (!stats.error) stats.error = `json-schema-faker: ${String(e.message || e).slice(0, 300)}`;
        continue;
      }
      if (instance === undefined) {
        stats.faker_errors++;
        continue;
      }
      if (instance && typeof instance === 'object') {
        const root = { components };
        instance = stripUndeclared(instance, [{ s: { $ref: `#${pointer}` }, p: null }], root, validator);
      }
      if (v.validate(instance)) {
        stats.valid++;
        result.instances.push({ schema: pointer, index: i, instance });
      } else {
        stats.invalid++;
        if (!stats.invalid_example) stats.invalid_example = { instance, error: errorText(v.validate) };
      }
    }
  }
  fs.writeFileSync(outFile, JSON.stringify(result));
}

function validate([spec, inFile, outFile]) {
  const { doc, dialect } = loadSpec(spec);
  const validator = makeAjv(readComponents(doc, dialect));
  const items = JSON.parse(fs.readFileSync(inFile, 'utf8'));
  const out = items.map(({ schema, value }) => {
    const v = validator(schema);
    if (v.error) return { valid: false, error: v.error };
    return v.validate(value) ? { valid: true, error: '' } : { valid: false, error: errorText(v.validate) };
  });
  fs.writeFileSync(outFile, JSON.stringify(out));
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'generate') generate(rest);
else if (command === 'validate') validate(rest);
else {
  console.error('usage: node schema.mjs generate SPEC SCHEMAS.json N SEED OUT.json | validate SPEC IN.json OUT.json');
  process.exit(2);
}
