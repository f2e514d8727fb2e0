#!/usr/bin/env bash
# Packs what bench/gpu-device.sh needs on a GPU machine that has no Node, no
# network and no node_modules into .gpu-carry/ (ignored by git), within the
# 64 MiB that the copy of the checkout sent there may take beside the tracked
# files: this Node binary and onnxruntime-node's Linux x64 library,
# xz-compressed; the rest of onnxruntime-node and the packages `sfc run` loads
# from node_modules (onnxruntime-common, onnx-proto and protobufjs's runtime);
# the bundled CLI with its code cache (made by this Node, so valid there) and
# the runtime modules bench/gpu.js loads; and Debian's Vulkan and GL loaders,
# which WebGPU (Dawn) needs to reach the NVIDIA driver. Run it in the checkout
# that is sent; then, there, "bash bench/gpu-device.sh" (allow it 420 s).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build >/dev/null
C=.gpu-carry
rm -rf "$C"
M="$C/node_modules"
mkdir -p "$C/dist" "$C/debs" "$M/onnxruntime-node"
xz -T0 -9 -c "$(readlink -f "$(command -v node)")" >"$C/node.xz"
ORT=node_modules/onnxruntime-node
LIB=$(ls -d "$ORT"/bin/napi-v*/linux/x64)
cp -r "$ORT/package.json" "$ORT/dist" "$M/onnxruntime-node/"
mkdir -p "$M/onnxruntime-node/${LIB#"$ORT"/}"
cp "$LIB/onnxruntime_binding.node" "$M/onnxruntime-node/${LIB#"$ORT"/}/"
xz -T0 -9 -c "$LIB/libonnxruntime.so.1" >"$M/onnxruntime-node/${LIB#"$ORT"/}/libonnxruntime.so.1.xz"
cp -r node_modules/onnxruntime-common node_modules/onnx-proto node_modules/protobufjs node_modules/@protobufjs node_modules/long "$M/"
# protobufjs's command line and browser builds (22 MB) are not what onnx-proto loads.
rm -rf "$M/protobufjs/cli" "$M/protobufjs/dist"
cp dist/sfc.js dist/sfc.js.cache dist/sfc.js.stdlib "$C/dist/"
# bench/gpu.js reads clips, .npy files and onnxruntime's failures as the CLI does.
mkdir -p "$C/dist/runtime"
cp dist/runtime/session.js dist/runtime/npy.js "$C/dist/runtime/"
LOADERS="libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2"
# shellcheck disable=SC2086 # one word per package
(cd "$C/debs" && apt-get download $LOADERS >/dev/null 2>&1) || true
for p in $LOADERS; do ls "$C"/debs/"${p}"_*.deb >/dev/null || { echo "could not download $p from Debian" >&2; exit 1; }; done
# What is sent: the tracked files, untracked ones git does not ignore, and the carried folder.
sent=$( (git ls-files -z; git ls-files -o --exclude-standard -z) | xargs -0 du -cb 2>/dev/null | awk '/\ttotal$/ {s += $1} END {print s}')
carried=$(du -sb "$C" | cut -f1)
total=$(((sent + carried) / 1048576))
echo "$C: $((carried / 1048576)) MiB; with the rest of the working tree $total MiB of the 64 MiB the copy may take"
[ "$total" -le 62 ] || { echo "over 62 MiB: too close to the limit" >&2; exit 1; }
