#!/usr/bin/env bash
# Runs bench/gpu.js on a GPU machine from what bench/gpu-carry.sh packed
# into .gpu-carry/: unpacks Node and the node_modules it needs, puts the
# bundled CLI in dist/, unpacks the Vulkan and GL loaders, points Vulkan at the
# NVIDIA driver's ICD, says what it found (driver, loaders, CUDA runtime,
# Python's onnxruntime), and writes gpu.txt and gpu.json to $OUT. The check
# rewrites gpu.json after every row and stops itself after 330 s, inside a
# call of 420 s, so that a hang leaves what was measured.
# SFC_GPU_KEEP_LOADER=1 leaves the system's libraries as they are (a trial of
# this flow on a machine without a GPU).
set -uo pipefail
cd "$(dirname "$0")/.."
C=.gpu-carry
[ -f "$C/node.xz" ] || { echo "$C is missing: run bench/gpu-carry.sh in the checkout before it is sent, and send $C with it" >&2; exit 2; }
export OUT=${OUT:-build}
mkdir -p "$OUT"
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
python3 - "$C" "$BIN" <<'PY'
import lzma, os, shutil, sys
carry, bin_dir = sys.argv[1], sys.argv[2]
with lzma.open(os.path.join(carry, "node.xz")) as src, open(os.path.join(bin_dir, "node"), "wb") as dst:
    shutil.copyfileobj(src, dst)
os.chmod(os.path.join(bin_dir, "node"), 0o755)
for root, _, files in os.walk(os.path.join(carry, "node_modules")):
    for f in files:
        if f.endswith(".xz"):
            with lzma.open(os.path.join(root, f)) as src, open(os.path.join(root, f[:-3]), "wb") as dst:
                shutil.copyfileobj(src, dst)
PY
export PATH="$BIN:$PATH"
mkdir -p node_modules dist
cp -r "$C"/node_modules/. node_modules/
cp -r "$C"/dist/. dist/
# In a checkout, bin/sfc.js runs the bundle only if it is as new as every other .js in dist/ (bin/load-cli.js).
touch dist/sfc.js
if [ -z "${SFC_GPU_KEEP_LOADER:-}" ]; then
  for f in "$C"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$ICD" ]; then
  # Loaders before 1.3.207 read only the older name.
  export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD"
fi
export VK_LOADER_DEBUG=error,warn
{
  echo "node $(node --version); GPU: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | head -1)"
  echo "libraries: $(ldconfig -p | grep -oE 'lib(vulkan|GLX_nvidia|GLdispatch|EGL_nvidia)\.so\.[0-9]+' | sort -u | tr '\n' ' ')"
  echo "Vulkan ICD: ${VK_DRIVER_FILES:-none found at $ICD}"
  [ -f "$ICD" ] && tr -d '\n' <"$ICD" && echo
  echo "CUDA runtime: $(ls /usr/local/cuda*/lib64/libcudart.so* 2>/dev/null | head -1 || true)"
  echo "Python's onnxruntime: $(python3 -c 'import onnxruntime as o; print(o.__version__, o.get_available_providers())' 2>&1 | tail -1)"
  echo
  timeout -k 5 330 node bench/gpu.js
  status=$?
  echo "bench/gpu.js exit status: $status"
  echo "$status" >"$BIN/status"
} 2>&1 | tee "$OUT/gpu.txt"
exit "$(cat "$BIN/status" 2>/dev/null || echo 1)"
