#!/usr/bin/env bash
# Installs the system programs nimbus runs as separate processes, only when
# missing (idempotent; a no-op on a machine that has them):
#   espeak-ng   Polly's speech synthesizer (GPL-3.0; run as a process, never linked)
#   lame        Polly's MP3 encoder (LGPL-2.0)
#   oggenc      Polly's Ogg Vorbis encoder (vorbis-tools; GPL-2.0 tool, BSD libvorbis)
#   opusenc     Polly's Ogg Opus encoder (opus-tools; BSD-2-Clause)
#   mpg123      decodes MP3 in Polly's tests (LGPL-2.1)
#   python3     Lambda's Python runtimes run on the machine's interpreter
#   node        Lambda's Node.js runtimes (Debian's nodejs)
#   zip         the course's deploy scripts package functions with it
#   aws         the AWS CLI the tests and examples drive (Debian's awscli)
#   chromium    headless browser for the web console's tests (internal/console/browsertest)
# and boto3 for Python functions (Lambda's Python runtime ships it on AWS).
# Other services add their packages to the table below.
set -euo pipefail

# command → Debian package
declare -A want=(
	[espeak-ng]=espeak-ng
	[lame]=lame
	[oggenc]=vorbis-tools
	[opusenc]=opus-tools
	[mpg123]=mpg123
	[python3]=python3
	[node]=nodejs
	[zip]=zip
	[aws]=awscli
	[chromium]=chromium
)

missing=()
for cmd in "${!want[@]}"; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("${want[$cmd]}")
done
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import boto3' >/dev/null 2>&1; then
	missing+=(python3-boto3)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "scripts/deps.sh: missing ${missing[*]}; install them with your package manager" >&2
	exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
		echo "scripts/deps.sh: missing ${missing[*]}; run as root to install them" >&2
		exit 0
	fi
fi
export DEBIAN_FRONTEND=noninteractive
# Update the package lists only when one of the packages is unknown to them.
for p in "${missing[@]}"; do
	if ! apt-cache show "$p" >/dev/null 2>&1; then
		$sudo apt-get update -qq
		break
	fi
done
# Stale package lists make the download fail: refresh them and retry once.
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
