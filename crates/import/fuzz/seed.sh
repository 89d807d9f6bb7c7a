#!/usr/bin/env bash
# Seeds every fuzz target's corpus from egov's own outputs of the Hòa Bình 2019 example and the seed
# decision, so that libFuzzer starts from real tables, packages and editions. Run from this folder with
# an `egov` binary built (target/debug or target/release of the workspace, or EGOV=path).
set -euo pipefail
cd "$(dirname "$0")"
root=../../..
egov=${EGOV:-$(ls "$root"/target/release/egov "$root"/target/debug/egov 2>/dev/null | head -1)}
ed=hoabinh-2019
data=$root/data/published/hoabinh-2019
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p corpus/{text,html,markdown,csv,docx,xlsx,form,edition,prose}
cp "$root/tests/data/hoabinh-2870-QD-UBND-2019.txt" corpus/text/seed.txt
cp "$root/tests/data/hoabinh-2870-QD-UBND-2019.txt" corpus/markdown/seed.txt
for f in html markdown csv; do
  "$egov" annex --edition $ed --data "$data" --format $f > "corpus/$f/annex.$f"
  cp "corpus/$f/annex.$f" "corpus/text/annex.$f"
done
"$egov" export --edition $ed --data "$data" --format docx,xlsx --out "$tmp/out" >/dev/null
docx=$(ls "$tmp"/out/*.docx | head -1)
xlsx=$(ls "$tmp"/out/*.xlsx | head -1)
unzip -p "$docx" word/document.xml > corpus/docx/document.xml
cp "$docx" corpus/docx/whole.docx
{ unzip -p "$xlsx" xl/worksheets/sheet1.xml; printf '\0'; unzip -p "$xlsx" xl/sharedStrings.xml; } > corpus/xlsx/sheet1
cp "$xlsx" corpus/xlsx/whole.xlsx
"$egov" template --edition $ed --out "$tmp/form.xlsx" >/dev/null
unzip -p "$tmp/form.xlsx" xl/worksheets/sheet2.xml > corpus/form/sheet2.xml
"$egov" template --edition $ed --units "$data/units.csv" --out "$tmp/form-units.xlsx" >/dev/null 2>&1 \
  && unzip -p "$tmp/form-units.xlsx" xl/worksheets/sheet2.xml > corpus/form/sheet2-units.xml || true
{ cat "$root/data/editions/$ed.toml"; printf '\0'; cat "$data/units.csv"; printf '\0'; cat "$data/values.csv"; } > corpus/edition/hoabinh
for e in dti-2022-province commune-2392; do
  d=$(ls -d "$root"/data/examples/*/ | grep -i "${e%%-*}" | head -1 || true)
  if [ -n "$d" ] && [ -f "$d/units.csv" ] && [ -f "$d/values.csv" ]; then
    { cat "$root/data/editions/$e.toml"; printf '\0'; cat "$d/units.csv"; printf '\0'; cat "$d/values.csv"; } > "corpus/edition/$e"
  fi
done
# The real published rankings of the corpus (one cell per paragraph, combined cells, spaced rows, prose).
for f in ../tests/corpus/*.txt; do cp "$f" "corpus/prose/$(basename "$f")"; cp "$f" "corpus/text/$(basename "$f")"; done
ls corpus/* | head -50
