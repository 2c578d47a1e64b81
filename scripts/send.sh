#!/usr/bin/env bash
# make send: the mails of the series, a dry run unless SEND=1.
#
# Writes build/send/vN/: the cover letter (subject and text from
# cover-letter.txt) and the patches as git format-patch makes them, with
# "[RFC PATCH vN M/N]" subjects ("[PATCH ...]" with RFC=0), To: the KVM list
# and the maintainers, Cc: the other people scripts/get_maintainer.pl names
# and the reviewers of the earlier attempts (send-cc.txt), a base-commit:
# trailer, threaded under the cover letter.  Then it proves that the mails
# apply with git am onto the base and give the tree of the series (which
# make check builds patch by patch), and lists them.
#
# Identity: the author and the Signed-off-by of every patch become the
# sender's git config (user.name, user.email) when set; the series carries
# a placeholder identity until then, and SEND=1 refuses to send it.
#
#   V=N      revision (default 3)
#   RFC=0    "[PATCH ...]" subjects; RFC by default, while the base is
#            Debian's 6.12 and not kvm-x86/next
#   SEND=1   send the mails with git send-email (after the checks above)
#   B4=1     also write what b4 would send (b4 prep + b4 send -o) into
#            build/send/vN-b4/, from a throw-away branch
set -euo pipefail
. "$(dirname "$0")/lib.sh"

placeholder_name="Gfn Ring Developers"
placeholder_email="gfn-ring-dev@example.com"
v=${V:-3}
case "$v" in ''|*[!0-9]*) die "V=$v: a revision number" ;; esac
prefix=PATCH
[ "${RFC:-1}" = 1 ] && prefix="RFC PATCH"

bash "$top/scripts/deps.sh"
bash "$top/scripts/tree.sh"
git -C "$LINUX" diff --quiet HEAD || die "build/linux has uncommitted changes: commit and export them first"

# The sender's git config, as seen from this repository (not build/linux,
# whose identity is the build's).
name=$(git -C "$top" config user.name || true)
email=$(git -C "$top" config user.email || true)
if [ -z "$name" ] || [ -z "$email" ] || [ "$email" = "$placeholder_email" ]; then
	name=$placeholder_name email=$placeholder_email
	echo "send: no git identity (git config user.name/user.email): the mails keep the placeholder author"
fi

out=$BUILD/send/v$v
rm -rf "$out"
mkdir -p "$out"

# Recipients: the lists and maintainers get To:, everyone else Cc:.
mapfile -t series < <(grep -vE '^[[:space:]]*(#|$)' "$top/series" | awk '{print $1}')
mapfile -t who < <(cd "$LINUX" && ./scripts/get_maintainer.pl --no-rolestats --no-git \
	--no-git-fallback "${series[@]/#/$top/patches/}")
to=() cc=()
for w in "${who[@]}"; do
	case "$w" in
	*kvm@vger.kernel.org*|*pbonzini@redhat.com*|*seanjc@google.com*) to+=("$w") ;;
	*) cc+=("$w") ;;
	esac
done
while read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	cc+=("$line")
done < "$top/send-cc.txt"

git -C "$LINUX" format-patch -q -v"$v" --subject-prefix="$prefix" --cover-letter \
	--thread=shallow --base=base "${to[@]/#/--to=}" "${cc[@]/#/--cc=}" \
	-o "$out" base..HEAD
cover=$(ls "$out"/v"$v"-0000-cover-letter.patch)
python3 - "$cover" "$top/cover-letter.txt" <<'PY'
import sys
path, body_file = sys.argv[1:3]
subject, body = open(body_file).read().split('\n', 1)
s = open(path).read()
s = s.replace('*** SUBJECT HERE ***', subject, 1)
s = s.replace('*** BLURB HERE ***', body.strip('\n'), 1)
open(path, 'w').write(s)
PY

# The sender's identity in the mails: From: (the author) and Signed-off-by:.
if [ "$email" != "$placeholder_email" ]; then
	sed -i -e "s/^From: $placeholder_name <$placeholder_email>\$/From: $name <$email>/" \
		-e "s/^Signed-off-by: $placeholder_name <$placeholder_email>\$/Signed-off-by: $name <$email>/" \
		-e "s/^$placeholder_name (\([0-9]*\)):\$/$name (\1):/" \
		"$out"/*.patch
fi

# The mails apply onto the base and give the tree that make check builds.
am=$BUILD/send-am
git -C "$LINUX" worktree remove --force "$am" 2>/dev/null || true
git -C "$LINUX" worktree prune
git -C "$LINUX" worktree add -q --detach "$am" base
mapfile -t mails < <(ls "$out"/*.patch | grep -v cover-letter)
if ! git -C "$am" -c user.name="$name" -c user.email="$email" am -q "${mails[@]}" \
	>"$BUILD/send-am.log" 2>&1; then
	git -C "$LINUX" worktree remove --force "$am"
	die "the mails do not apply with git am onto base (build/send-am.log)"
fi
if [ "$(git -C "$am" rev-parse 'HEAD^{tree}')" != "$(git -C "$LINUX" rev-parse 'HEAD^{tree}')" ]; then
	git -C "$LINUX" worktree remove --force "$am"
	die "git am of the mails gives another tree than the series"
fi
n=$(git -C "$am" rev-list --count base..HEAD)
git -C "$LINUX" worktree remove --force "$am"

echo "send: ${out#$top/}: cover letter + $n patches, [$prefix v$v], from $name <$email>;" \
	"git am onto base gives the series' tree"
(IFS=,; echo "send: To: ${to[*]}")
echo "send: Cc: ${#cc[@]} addresses (get_maintainer.pl, send-cc.txt)"
for f in "$out"/*.patch; do
	printf '  %s\n' "$(python3 -c 'import email, sys
print(email.message_from_file(open(sys.argv[1]))["Subject"].replace("\n", ""))' "$f")"
done

if [ "${B4:-0}" = 1 ]; then
	b4dir=$BUILD/send/v$v-b4
	wt=$BUILD/send-b4
	b4_cleanup() {
		git -C "$LINUX" worktree remove --force "$wt" 2>/dev/null || true
		git -C "$LINUX" branch -D send-b4 >/dev/null 2>&1 || true
		git -C "$LINUX" config --remove-section branch.send-b4 2>/dev/null || true
	}
	rm -rf "$b4dir"
	b4_cleanup
	git -C "$LINUX" worktree add -q -b send-b4 "$wt" HEAD
	# Identity and an SMTP server (b4 send -o never uses it; without one
	# b4 wants its web endpoint) for b4's git calls only: a worktree
	# shares build/linux's config.
	export GIT_CONFIG_COUNT=3 \
		GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$name" \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$email" \
		GIT_CONFIG_KEY_2=sendemail.smtpserver GIT_CONFIG_VALUE_2=/usr/sbin/sendmail
	if ! (
		cd "$wt"
		b4 prep -e base
		b4 prep --force-revision "$v"
		if [ "$prefix" = "RFC PATCH" ]; then b4 prep --set-prefixes RFC; fi
		# The cover letter from cover-letter.txt, through b4's editor hook.
		EDITOR="cp $top/cover-letter.txt" b4 prep --edit-cover
		b4 send --no-sign -o "$b4dir" --to "${to[@]}" --cc "${cc[@]}"
	) >"$BUILD/send-b4.log" 2>&1; then
		b4_cleanup
		die "b4 prep/send failed (build/send-b4.log)"
	fi
	unset GIT_CONFIG_COUNT
	b4_cleanup
	echo "send: b4: $(ls "$b4dir" | wc -l) mails in ${b4dir#$top/}: $(sed -n 's/^Subject: //p' "$b4dir"/* | head -1)"
fi

[ "${SEND:-0}" = 1 ] || { echo "send: dry run; SEND=1 sends them with git send-email"; exit 0; }
if grep -lq "$placeholder_email" "$out"/*.patch; then
	die "the mails carry the placeholder identity <$placeholder_email>: set git config user.name and user.email, then make send again"
fi
# Reserved domains (RFC 2606) are no sender either.
case "$email" in
*@example.*|*.example|*@*.example.*|*@localhost|*.invalid|*.test)
	die "user.email <$email> is not a mail address one can send from" ;;
esac
git -C "$LINUX" send-email --confirm=always "$out"/*.patch
