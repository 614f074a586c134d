#!/usr/bin/env bash
# From an order to imported users: the whole provisioning story, one command at a time.
#
#   npm run build && bash samples/story.sh
#
# A partner (Voxa Telecom) receives an order for a Swedish customer (Delta Bryggeri AB). The
# organisation finder maps it, Meetings and Calling are set up, an onboarding template and the
# Wholesale customer are created, and the customer's branches and users are set up. Everything
# happens in a fresh SQLite file under $STORY_DIR (a new temporary folder unless you set it).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLI="$HERE/../dist/src/cli/main.js"
[ -f "$CLI" ] || { echo "Build bulkhub first: npm run build" >&2; exit 2; }
WORK="${STORY_DIR:-$(mktemp -d)}"
mkdir -p "$WORK"
export BULKHUB_DB="$WORK/story.db"
rm -f "$BULKHUB_DB" "$BULKHUB_DB-wal" "$BULKHUB_DB-shm"

bulkhub() { node "$CLI" "$@"; }
step() { printf '\n## %s\n' "$*"; }
# Shows the command as you would type it (quoted where needed), then runs it.
shown() {
  local arg words=()
  for arg in "$@"; do [[ "$arg" =~ ^[A-Za-z0-9_./:=@+,-]+$ ]] && words+=("$arg") || words+=("\"$arg\""); done
  printf '$ bulkhub %s\n' "${words[*]}"
}
run() { shown "$@"; bulkhub "$@"; }
# Like run, for a command whose output (an id) the story keeps: the command line goes to stderr.
keep() { shown "$@" >&2; bulkhub "$@"; }
# Reads one field of the JSON on stdin, e.g. `... --json | field .organisation.id`.
field() { node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(new Function("j", "return j" + process.argv[1])(JSON.parse(s))))' "$1"; }

step "0. The world so far: the partner's organisation, and a trial someone at Delta opened years ago"
run orgs create --id org-voxa --name "Voxa Telecom" --kind partner --vertical Telecommunications --country NL
run orgs add-domain org-voxa voxa.nl --verified
run orgs add-user org-voxa --email ops@voxa.nl --admin --last-active "$(date -u +%Y-%m-%d)"
run orgs create --id org-delta-trial --name "Delta (trial)" --vertical Retail --country SE
run orgs add-user org-delta-trial --email test@delta.se --last-active 2022-03-01

step "1. An order arrives: 50 Meetings and 40 Calling licences, provisioning contact ops@voxa.nl"
run subscriptions add --id Sub100200 --contact-email ops@voxa.nl --meetings-licences 50 --calling-licences 40
run subscriptions list

step "2. The organisation finder: the partner is matched; for the customer only a stale trial uses delta.se"
run orgs find --email ops@voxa.nl --kind partner
run orgs find --email inkop@delta.se --kind customer

step "3. Map the order: partner matched, a new customer organisation (the trial is probably not the right one)"
run subscriptions map Sub100200 --for customer --customer-email inkop@delta.se \
  --create-customer-org "Delta Bryggeri AB" --customer-vertical "Food and beverage" --customer-country SE
ORG="$(bulkhub orgs find --email inkop@delta.se --kind customer --json | field .organisation.id)"

step "4. Webex Meetings: two sites sharing the 50 licences"
run services setup meetings Sub100200 --site delta=30 --site delta-events=20 --timezone Europe/Stockholm

step "5. Webex Calling: later first (the order stays pending), then the headquarters"
run services setup calling Sub100200 --later
run subscriptions list
run services setup calling Sub100200 --location-name "Göteborg HQ" --country SE \
  --address-line1 "Lindholmspiren 7" --zip-or-postal-code "417 56" --city Göteborg --summary "$WORK/order-summary.pdf"

step "6. An onboarding template: its provisioning ID is what customer creation asks for"
PID="$(keep templates create --name "Voxa Sweden" --subscription Sub100200 --country SE --language sv_SE --auth webex)"
echo "$PID"
run templates show "$PID"

step "7. The Wholesale customer, in the organisation the order was mapped to"
CUSTOMER="$(keep customers create --name "Delta Bryggeri AB" --admin-email inkop@delta.se --package "Webex Suite" \
  --template "$PID" --org "$ORG" --hq-name "Göteborg HQ" --hq-country SE --hq-address-line1 "Lindholmspiren 7" \
  --hq-zip-or-postal-code "417 56" --hq-city Göteborg --supported-location)"
echo "$CUSTOMER"

step "8. Set up the customer: branches, numbers from a pool for calling users, then the users"
run customers setup "$CUSTOMER" --locations "$HERE/story/branches.csv" --users "$HERE/story/users.csv" \
  --number-pool +46313000100-+46313000199 --out "$WORK/setup" --log-level warn
run customers show "$CUSTOMER"

step "Done"
echo "Order summary: $WORK/order-summary.pdf"
echo "Import reports: $WORK/setup"
echo "Database: $BULKHUB_DB"
