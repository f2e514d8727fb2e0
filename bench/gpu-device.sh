#!/usr/bin/env bash
# Runs bench/gpu.js on the device machine from what bench/gpu-carry.sh packed
# into .gpu-carry/: unpacks Node and the node_modules it needs, puts the bundled CLI in
# dist/, adds the Vulkan loader where the machine has none, points Vulkan at
# the NVIDIA driver's ICD where it is, and writes the report to $OUT.
# SFC_GPU_KEEP_LOADER=1 leaves the system's libraries as they are (a trial run
# of this flow on a machine of ours).
set -uo pipefail
cd "$(dirname "$0")/.."
C=.gpu-carry
BIN=$(mktemp -d)
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
cp "$C"/dist/* dist/
if [ -z "${SFC_GPU_KEEP_LOADER:-}" ] && ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in "$C"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$ICD" ] && export VK_DRIVER_FILES="$ICD"
{
  echo "node $(node --version); $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | head -1)"
  echo "Vulkan loader: $(ldconfig -p | grep -c libvulkan.so.1) found; ICD: ${VK_DRIVER_FILES:-none named}"
  node bench/gpu.js
} 2>&1 | tee "${OUT:-/tmp}/gpu.txt"
exit "${PIPESTATUS[0]}"
