#!/usr/bin/env node
// validate.js FILE...: validate CycloneDX JSON documents against the
// published JSON schema of their specVersion (1.4 to 1.7), as shipped by
// the CycloneDX project's own npm package @cyclonedx/cyclonedx-library
// (res/schema/), with ajv in strict-format mode (ajv-formats).
// Prints one line per file: "valid FILE (CycloneDX V, N components)" or
// "invalid FILE: <instancePath> <message>" (up to 10 errors).
// Exit status: 0 all valid, 1 one invalid, 2 usage or unreadable input.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: validate.js FILE...');
  process.exit(2);
}
const dir = path.join(path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const load = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
const validators = {};
function validatorFor(version) {
  if (!validators[version]) {
    const file = `bom-${version}.SNAPSHOT.schema.json`;
    if (!fs.existsSync(path.join(dir, file))) return null;
    // The BOM schema $refs the SPDX licence-id and JSF signature schemas by id.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    // ajv-formats knows uri-reference and email but not their
    // internationalised forms, which the schema uses: the same rules with
    // non-ASCII letters allowed (no spaces or control characters; one @).
    ajv.addFormat('iri-reference', /^[^\s\u0000-\u001f\u007f<>"{}|\\^`]*$/u);
    ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
    // The BOM schema $refs the SPDX licence-id and JSF signature schemas
    // relative to its own $id.
    const base = 'http://cyclonedx.org/schema/';
    for (const f of fs.readdirSync(dir)) {
      if (/^(spdx|jsf-[0-9.]+|cryptography-defs)\.SNAPSHOT\.schema\.json$/.test(f)) {
        const schema = load(f);
        delete schema.$id;
        ajv.addSchema(schema, base + f);
      }
    }
    validators[version] = ajv.compile(load(file));
  }
  return validators[version];
}

let status = 0;
for (const f of files) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) {
    console.log(`invalid ${f}: cannot read JSON: ${e.message}`);
    process.exit(2);
  }
  if (doc.bomFormat !== 'CycloneDX') {
    console.log(`invalid ${f}: bomFormat is ${JSON.stringify(doc.bomFormat)}, not "CycloneDX"`);
    status = 1;
    continue;
  }
  const validate = validatorFor(doc.specVersion);
  if (!validate) {
    console.log(`invalid ${f}: no published schema for specVersion ${JSON.stringify(doc.specVersion)} in ${dir}`);
    status = 1;
    continue;
  }
  if (validate(doc)) {
    console.log(`valid ${f} (CycloneDX ${doc.specVersion}, ${(doc.components || []).length} components)`);
  } else {
    status = 1;
    for (const e of validate.errors.slice(0, 10)) {
      console.log(`invalid ${f}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
}
process.exit(status);
