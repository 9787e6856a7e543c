#!/usr/bin/env bash
# example.sh: regenerates the worked examples in this folder from a small
# demo study: one site, a clinician and a consumer (consent and baseline on
# paper, 1 December 2025), whose answers are loaded with imrbot answers
# import from example-answers.csv, then exported long and wide with the
# codebook and its loaders (README.md), and for REDCap and FHIR
# (interop.md). Run from the repository root:
#   scripts/with-db.sh docs/data/example.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
go build -o bin/imrbot ./cmd/imrbot
db=imrbot_docs_example
base=${DATABASE_URL%/*}
psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
export DATABASE_URL=$base/$db?sslmode=disable
bin/imrbot migrate >/dev/null
bin/imrbot site add OSL --name "Oslo DPS" >/dev/null
bin/imrbot invite --site OSL --role clinician --baseline-date 2025-12-01 >/dev/null
bin/imrbot invite --site OSL --role consumer --baseline-date 2025-12-01 --clinician OSL-K-0001 >/dev/null
bin/imrbot answers import docs/data/example-answers.csv >/dev/null
out=docs/data
bin/imrbot export --format long --out $out/long.csv --codebook $out/long-codebook.csv
bin/imrbot export --format wide --out $out/wide.csv --codebook $out/wide-codebook.csv
bin/imrbot export --format redcap --out $out/redcap_data.csv --dictionary $out/redcap_dictionary.csv
bin/imrbot export --format fhir --out $out/fhir_bundle.json
bin/imrbot questionnaires show qol --fhir > $out/fhir_questionnaire_qol.json
psql "${base}/postgres" -qc "DROP DATABASE $db" >/dev/null
# The loaders are large for a worked example; imrbot export writes them.
rm -f $out/*-codebook.R $out/*-codebook.sps $out/*-codebook.do
# The bundle's timestamp is the time of the export: pin it, so that the
# file changes only when the export does.
sed -i 's/^  "timestamp": ".*",$/  "timestamp": "2026-01-15T12:00:00Z",/' $out/fhir_bundle.json
