"""Checks that environment/Dockerfile and binder/postBuild stay thin wrappers over the tested scripts.

Every command they run must be an environment/*.sh script (or one of a few harmless shell
commands: mkdir, rm of apt lists, set, mvn package), and every --option given to a script must be
one that the script's --help lists. Exit 1 naming the offending line. Run by test-hub-setup.sh.
"""
import os
import re
import shlex
import subprocess
import sys

ALLOWED = [re.compile(p) for p in (r"^mkdir -p \S+$", r"^rm -rf /var/lib/apt/lists/\*$", r"^set -euo pipefail$",
                                   r"^mvn( -\S+)* package( </dev/null)?$")]
SCRIPT = re.compile(r"^bash (?:/opt/nnzoo/)?(environment/[\w./-]+\.sh)(.*)$")
help_cache = {}


def options_of(root, script):
    if script not in help_cache:
        out = subprocess.run(["bash", os.path.join(root, script), "--help"], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"check-wrappers: {script} --help failed: {out.stderr.strip()}")
        help_cache[script] = set(re.findall(r"--[a-z][\w-]*", out.stdout + out.stderr))
    return help_cache[script]


def check_command(root, where, command):
    command = " ".join(command.split())
    if any(p.match(command) for p in ALLOWED):
        return
    m = SCRIPT.match(command)
    if not m:
        sys.exit(f"check-wrappers: {where}: runs '{command}', which is not one of the tested environment/ scripts; "
                 "move that step into environment/install-hub.sh (or install-kernel.sh) so it is tested")
    script, args = m.group(1), m.group(2)
    if not os.path.isfile(os.path.join(root, script)):
        sys.exit(f"check-wrappers: {where}: {script} does not exist")
    words = shlex.split(args.replace("${NNZOO_KERNEL_HEAP:-1g}", "1g"))
    unknown = [w for w in words if w.startswith("--") and w.split("=")[0] not in options_of(root, script)]
    if unknown:
        sys.exit(f"check-wrappers: {where}: {script} has no option {', '.join(unknown)} (see its --help)")


def main(root):
    dockerfile = os.path.join(root, "environment", "Dockerfile")
    text = re.sub(r"\\\n", " ", open(dockerfile, encoding="utf-8").read())
    runs = 0
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line.startswith("RUN "):
            for part in line[4:].split("&&"):
                check_command(root, f"Dockerfile RUN", part.strip())
                runs += 1
        elif line.startswith("CMD "):
            import json
            cmd = json.loads(line[4:])
            check_command(root, "Dockerfile CMD", " ".join(cmd))
    calls_installer = "environment/install-hub.sh" in text
    if not calls_installer:
        sys.exit("check-wrappers: environment/Dockerfile does not run environment/install-hub.sh")
    postbuild = os.path.join(root, "binder", "postBuild")
    for number, line in enumerate(open(postbuild, encoding="utf-8"), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            check_command(root, f"binder/postBuild:{number}", line)
    print(f"  ok  {'Dockerfile, binder':<28} {runs} RUN steps and postBuild call only tested scripts with known options")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
