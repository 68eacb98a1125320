#!/bin/sh
# Fetch YASGUI (@zazuko/yasgui, MIT) from the npm registry with `npm pack` and copy its built bundle into
# server/static/yasgui/, so that the SPARQL workbench at /sparql runs with no CDN and no network.
# Re-run to update; commit the files it writes. Usage: tools/vendor-yasgui.sh [VERSION]
set -eu
VERSION="${1:-4.6.2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/server/static/yasgui"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "@zazuko/yasgui@$VERSION" >/dev/null
tar xzf "zazuko-yasgui-$VERSION.tgz"
mkdir -p "$DEST"
cp package/build/yasgui.min.js package/build/yasgui.min.css "$DEST/"
# The bundle's source maps point at the sources; the browser would fetch them on opening its developer tools.
sed -i 's|^//# sourceMappingURL=.*$||' "$DEST/yasgui.min.js"
sed -i 's|/\*# sourceMappingURL=.*\*/||' "$DEST/yasgui.min.css"
printf '@zazuko/yasgui %s (MIT, https://github.com/zazuko/Yasgui), fetched by tools/vendor-yasgui.sh with npm pack\n' \
  "$VERSION" > "$DEST/VERSION"
echo "vendored @zazuko/yasgui $VERSION into $DEST"
