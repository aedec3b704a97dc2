#!/usr/bin/env bash
# System packages the project needs beyond Python: LibreOffice (the corpus generator renders
# PDFs the way departments do, Word → PDF), a real CJK font, and Tesseract with its Simplified
# Chinese data (OCR of scanned pages). Installs only what is missing.
set -euo pipefail
missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
ls /usr/share/fonts/opentype/noto/NotoSansCJK-* >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
langs=$(tesseract --list-langs 2>/dev/null || true)
grep -qx chi_sim <<<"$langs" || missing+=(tesseract-ocr-chi-sim)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "please install: ${missing[*]} (Debian package names)" >&2
    exit 1
fi
echo "installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
