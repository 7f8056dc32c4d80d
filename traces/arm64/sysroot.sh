#!/bin/sh
# Unpacks the Debian arm64 packages of traces/arm64/packages.txt into a
# directory (build/sysroot-arm64), which qemu-aarch64 -L runs them from.
# Idempotent: the packages' .debs are kept in DIR.debs and a stamp file
# records the list that was unpacked; nothing is done if it is unchanged.
set -eu
list=${1:?usage: sysroot.sh PACKAGES.txt DIR}
dir=${2:?usage: sysroot.sh PACKAGES.txt DIR}
pkgs=$(sed 's/#.*//' "$list" | tr -s ' \t\n' ' ')
stamp="$dir/.mmusim-packages"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; then
	echo "sysroot-arm64: $dir is up to date"
	exit 0
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	[ "$(id -u)" = 0 ] || { echo "sysroot-arm64: run as root once, or: dpkg --add-architecture arm64 && apt-get update" >&2; exit 1; }
	dpkg --add-architecture arm64
	apt-get update -qq
fi
debs="$dir.debs"
mkdir -p "$debs"
arm=""
for p in $pkgs; do arm="$arm $p:arm64"; done
# apt-get download needs the arm64 lists; fetch them once if they are missing
( cd "$debs" && apt-get download -qq $arm ) 2>/dev/null || {
	[ "$(id -u)" = 0 ] && apt-get update -qq
	( cd "$debs" && apt-get download -qq $arm ) || {
		echo "sysroot-arm64: apt-get download failed for:$arm" >&2; exit 1; }
}
rm -rf "$dir"
mkdir -p "$dir"
for p in $pkgs; do
	deb=$(ls -t "$debs"/"${p}"_*_arm64.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || { echo "sysroot-arm64: no .deb for $p" >&2; exit 1; }
	dpkg-deb -x "$deb" "$dir"
done
# Debian 12 is merged-/usr: /lib -> usr/lib (the interpreter is /lib/ld-linux-aarch64.so.1)
for d in bin sbin lib; do
	[ -e "$dir/$d" ] || ln -s "usr/$d" "$dir/$d"
done
printf '%s' "$pkgs" > "$stamp"
echo "sysroot-arm64: $(echo $pkgs | wc -w) packages in $dir"
