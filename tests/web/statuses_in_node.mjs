// Answers every question in the JSON file argv[2] ({features, horizon, questions}) with the
// page's own statusAt, and prints the answers as JSON (see test_agreement_in_node.py).
import { readFileSync } from 'node:fs';
import { prepare, statusAt } from '../../src/respite/web/frontend/src/coverage.js';

const data = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const zones = prepare(data.features);
const answers = data.questions.map(([lon, lat, t]) => statusAt(zones, data.horizon, lon, lat, t));
process.stdout.write(JSON.stringify(answers));
