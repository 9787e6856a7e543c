#!/usr/bin/env bash
# interop.sh: regenerates the REDCap and FHIR files of the worked example
# from the same small demo study as example.sh (one site, a clinician and a
# consumer with a paper baseline on 1 December 2025, answers loaded from
# example-answers.csv). Run from the repository root:
#   scripts/with-db.sh docs/data/interop.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
go build -o bin/imrbot ./cmd/imrbot
db=imrbot_docs_interop
base=${DATABASE_URL%/*}
psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
export DATABASE_URL=$base/$db?sslmode=disable
bin/imrbot migrate >/dev/null
bin/imrbot site add OSL --name "Oslo DPS" >/dev/null
bin/imrbot invite --site OSL --role clinician --baseline-date 2025-12-01 >/dev/null
bin/imrbot invite --site OSL --role consumer --baseline-date 2025-12-01 --clinician OSL-K-0001 >/dev/null
bin/imrbot answers import docs/data/example-answers.csv >/dev/null
out=docs/data
bin/imrbot export --format redcap --out $out/redcap_data.csv --dictionary $out/redcap_dictionary.csv
bin/imrbot export --format fhir --out $out/fhir_bundle.json
bin/imrbot questionnaires show qol --fhir > $out/fhir_questionnaire_qol.json
psql "${base}/postgres" -qc "DROP DATABASE $db" >/dev/null
# The bundle's timestamp is the time of the export: pin it, so that the
# file changes only when the export does.
sed -i 's/^  "timestamp": ".*",$/  "timestamp": "2026-01-15T12:00:00Z",/' $out/fhir_bundle.json
