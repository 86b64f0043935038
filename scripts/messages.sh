#!/usr/bin/env bash
# Updates the zh_Hans catalogues: one per app (src/dibiao/<app>/locale) and one for the shared
# templates and settings (src/dibiao/locale). With --check, fails if a catalogue lacks a string
# that the code uses (CI), ignoring the creation-date header. With an app's name (e.g.
# `scripts/messages.sh rounds`), updates that app's catalogue only.
set -euo pipefail
cd "$(dirname "$0")/../src/dibiao"
ADMIN=../../.venv/bin/django-admin
apps=()
for dir in */; do
  dir=${dir%/}
  [[ -f "$dir/apps.py" ]] && apps+=("$dir")
done
opts=(-l zh_Hans --no-obsolete --no-location --no-wrap)
if [[ -n "${1:-}" && "$1" != "--check" ]]; then
  mkdir -p "$1/locale"
  (cd "$1" && ../$ADMIN makemessages "${opts[@]}" --ignore='static/*' -v0)
  exit 0
fi
for app in "${apps[@]}"; do
  mkdir -p "$app/locale"
  (cd "$app" && ../$ADMIN makemessages "${opts[@]}" --ignore='static/*' -v0)
done
ignores=(--ignore='static/*')
for app in "${apps[@]}"; do ignores+=(--ignore="$app/*"); done
mkdir -p locale
$ADMIN makemessages "${opts[@]}" "${ignores[@]}" -v0
if [[ "${1:-}" == "--check" ]]; then
  cd ../..
  git diff --quiet -I 'POT-Creation-Date' -- 'src/**/*.po' || {
    git diff --stat -I 'POT-Creation-Date' -- 'src/**/*.po' 
    echo "The catalogues above miss strings the code uses: run 'make messages', translate, commit."; exit 1; }
fi
