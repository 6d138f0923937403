#!/bin/sh
# Rebuild the font that printed documents embed: src/huiliu/core/fonts/NotoSansSC-Regular.subset.otf.
#
# Source: Debian's fonts-noto-cjk (Noto Sans CJK, SIL Open Font License 1.1; OFL.txt sits next to the font).
# The .ttc holds one face per region; face 2 is Simplified Chinese ("Noto Sans CJK SC"), face 0 would give
# Japanese glyph shapes. The subset keeps Latin, punctuation, CJK symbols and every Han block (URO,
# Extensions A to F, compatibility ideographs), so rare name characters print (䶮, 𠇔); hinting is dropped,
# as it helps only small text on low-resolution screens. About 12 MB; each PDF embeds only the glyphs it uses (tens of kB).
#
# Needs no root: when the package is not installed it is downloaded and unpacked into a scratch directory
#   apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb DIR
# and fontTools' pyftsubset (installed with fpdf2) from the project's virtual environment.
#
# Usage: scripts/build_fonts.sh            (from the repository root; NOTO_DIR=... to use another copy)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/src/huiliu/core/fonts"
PYFTSUBSET=${PYFTSUBSET:-$ROOT/.venv/bin/pyftsubset}
NOTO_DIR=${NOTO_DIR:-/usr/share/fonts/opentype/noto}

if [ ! -f "$NOTO_DIR/NotoSansCJK-Regular.ttc" ]; then
    SCRATCH=$(mktemp -d)
    trap 'rm -rf "$SCRATCH"' EXIT
    (cd "$SCRATCH" && apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb unpacked)
    NOTO_DIR="$SCRATCH/unpacked/usr/share/fonts/opentype/noto"
fi

# Latin and Latin-1, Greek and Cyrillic (names of foreign spouses), general punctuation, letterlike symbols,
# arrows, maths, enclosed numbers, box drawing, shapes, CJK radicals and symbols, kana, bopomofo, enclosed
# CJK, the Han blocks, half- and full-width forms, and the supplementary ideographic planes.
UNICODES="U+0020-007E,U+00A0-024F,U+02C6-02DD,U+0391-03C9,U+0401-0451,U+2000-206F,U+20AC,U+2100-214F,\
U+2150-218F,U+2190-21FF,U+2200-22FF,U+2460-24FF,U+2500-257F,U+25A0-25FF,U+2600-26FF,U+2E80-2FDF,\
U+3000-303F,U+3040-30FF,U+3100-312F,U+31C0-31EF,U+3200-33FF,U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,\
U+FE10-FE1F,U+FE30-FE4F,U+FF00-FFEF,U+20000-2FA1F"

mkdir -p "$OUT"
"$PYFTSUBSET" "$NOTO_DIR/NotoSansCJK-Regular.ttc" --font-number=2 --unicodes="$UNICODES" \
    --no-hinting --name-IDs='*' --output-file="$OUT/NotoSansSC-Regular.subset.otf"
ls -l "$OUT"
