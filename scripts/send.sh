#!/usr/bin/env bash
# make send: the mails of the series, a dry run unless SEND=1.
#
# series/ holds more than one series ("#group" lines, scripts/lib.sh); each
# is mailed on its own, into build/send/NAME-vN/: the cover letter (subject
# and text from cover/NAME.txt) and the patches as git format-patch makes
# them, with "[RFC PATCH vN M/N]" subjects ("[PATCH ...]" with RFC=0), To:
# the KVM list and the maintainers, Cc: the other people
# scripts/get_maintainer.pl names and the reviewers of the earlier attempts
# (send-cc.txt), base-commit: and prerequisite-patch-id: trailers, threaded
# under the cover letter.  A series that follows another one here but must
# apply to the base alone (onto=base-alone) is first moved there
# (scripts/standalone.sh).  Then it proves that the mails of each series
# apply with git am onto the base (onto=both: onto the series before it)
# and give the tree of the series (which make check builds), and lists
# them.
#
# Identity: the author and the Signed-off-by of every patch become the
# sender's git config (user.name, user.email) when set; the series carries
# a placeholder identity until then, and SEND=1 refuses to send it.
#
#   V=N      revision of every series (default: its v= in series/)
#   RFC=0    "[PATCH ...]" subjects; RFC by default, while the base is
#            Debian's 6.12 and not kvm-x86/next
#   SEND=1   send the mails with git send-email (after the checks above)
#   B4=1     also write what b4 would send (b4 prep + b4 send -o) into
#            build/send/NAME-vN-b4/, from throw-away branches
set -euo pipefail
. "$(dirname "$0")/lib.sh"

placeholder_name="Gfn Ring Developers"
placeholder_email="gfn-ring-dev@example.com"
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

rm -rf "$BUILD/send"
mkdir -p "$BUILD/send"

mapfile -t patches < <(series_patches)
mapfile -t commits < <(git -C "$LINUX" rev-list --reverse base..HEAD)
[ ${#commits[@]} = ${#patches[@]} ] ||
	die "build/linux has ${#commits[@]} commits on base, series/ ${#patches[@]} patches: make export or make tree"
mapfile -t groups < <(series_groups)
[ ${#groups[@]} -gt 0 ] || die "series/ has no #group line"
extra_cc=()
while read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	extra_cc+=("$line")
done < "$top/send-cc.txt"

am=$BUILD/send-am
am_cleanup() {
	git -C "$LINUX" worktree remove --force "$am" 2>/dev/null || true
	git -C "$LINUX" worktree prune
}
am_cleanup

outs=()
for g in "${groups[@]}"; do
	read -r gname onto gv first last <<<"$g"
	v=${V:-$gv}
	case "$v" in ''|*[!0-9]*) die "V=$v: a revision number" ;; esac
	top_c=${commits[last - 1]}
	if [ "$first" = 1 ]; then before=base; else before=${commits[first - 2]}; fi
	case "$onto" in
	base)
		[ "$before" = base ] || die "series $gname (onto=base) does not start at the base"
		from=base want=$top_c am_onto=base ;;
	base-alone)
		bash "$top/scripts/standalone.sh" "$before" "$top_c" base "moved-$gname"
		from=base want=moved-$gname am_onto=base ;;
	both)
		from=$before want=$top_c am_onto=$before ;;
	*)	die "series $gname: onto=$onto: base, base-alone or both" ;;
	esac
	cover_txt=$top/cover/$gname.txt
	[ -f "$cover_txt" ] || die "series $gname: no cover letter cover/$gname.txt"

	# Recipients: the lists and maintainers get To:, everyone else Cc:.
	gp=("${patches[@]:first-1:last-first+1}")
	mapfile -t who < <(cd "$LINUX" && ./scripts/get_maintainer.pl --no-rolestats --no-git \
		--no-git-fallback "${gp[@]/#/$top/patches/}")
	to=() cc=()
	for w in "${who[@]}"; do
		case "$w" in
		*kvm@vger.kernel.org*|*pbonzini@redhat.com*|*seanjc@google.com*) to+=("$w") ;;
		*) cc+=("$w") ;;
		esac
	done
	cc+=("${extra_cc[@]}")

	out=$BUILD/send/$gname-v$v
	outs+=("$out")
	git -C "$LINUX" format-patch -q -v"$v" --subject-prefix="$prefix" --cover-letter \
		--thread=shallow --base=base "${to[@]/#/--to=}" "${cc[@]/#/--cc=}" \
		-o "$out" "$from..$want"
	cover=$(ls "$out"/v"$v"-0000-cover-letter.patch)
	python3 - "$cover" "$cover_txt" <<'PY'
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

	# The mails apply and give the tree that make check builds (one
	# worktree for all series: checking out another base is quicker than
	# a new worktree).
	if [ ! -d "$am/.git" ] && [ ! -f "$am/.git" ]; then
		am_cleanup
		git -C "$LINUX" worktree add -q --detach "$am" "$am_onto"
	else
		git -C "$am" checkout -q -f --detach "$am_onto"
	fi
	mapfile -t mails < <(ls "$out"/*.patch | grep -v cover-letter)
	if ! git -C "$am" -c user.name="$name" -c user.email="$email" am -q "${mails[@]}" \
		>"$BUILD/send-am.log" 2>&1; then
		am_cleanup
		die "the mails of $gname do not apply with git am onto $am_onto (build/send-am.log)"
	fi
	if [ "$(git -C "$am" rev-parse 'HEAD^{tree}')" != "$(git -C "$LINUX" rev-parse "$want^{tree}")" ]; then
		am_cleanup
		die "git am of the mails of $gname gives another tree than the series"
	fi
	n=$(git -C "$am" rev-list --count "$am_onto..HEAD")

	case "$onto" in
	both) where="onto the series before it" ;;
	*) where="onto base" ;;
	esac
	echo "send: ${out#$top/}: cover letter + $n patches, [$prefix v$v], from $name <$email>;" \
		"git am $where gives the series' tree"
	(IFS=,; echo "send: To: ${to[*]}")
	echo "send: Cc: ${#cc[@]} addresses (get_maintainer.pl, send-cc.txt)"
	for f in "$out"/*.patch; do
		printf '  %s\n' "$(python3 -c 'import email, sys
print(email.message_from_file(open(sys.argv[1]))["Subject"].replace("\n", ""))' "$f")"
	done

	if [ "${B4:-0}" = 1 ]; then
		b4dir=$out-b4
		wt=$BUILD/send-b4
		b4_cleanup() {
			git -C "$LINUX" worktree remove --force "$wt" 2>/dev/null || true
			git -C "$LINUX" branch -D send-b4 >/dev/null 2>&1 || true
			git -C "$LINUX" config --remove-section branch.send-b4 2>/dev/null || true
		}
		b4_cleanup
		git -C "$LINUX" worktree add -q -b send-b4 "$wt" "$want"
		# Identity and an SMTP server (b4 send -o never uses it; without
		# one b4 wants its web endpoint) for b4's git calls only: a
		# worktree shares build/linux's config.
		if ! (
			export GIT_CONFIG_COUNT=3 \
				GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$name" \
				GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$email" \
				GIT_CONFIG_KEY_2=sendemail.smtpserver GIT_CONFIG_VALUE_2=/usr/sbin/sendmail
			cd "$wt"
			b4 prep -e "$(git -C "$LINUX" rev-parse "$from")"
			b4 prep --force-revision "$v"
			if [ "$prefix" = "RFC PATCH" ]; then b4 prep --set-prefixes RFC; fi
			# The cover letter, through b4's editor hook.
			EDITOR="cp $cover_txt" b4 prep --edit-cover
			b4 send --no-sign -o "$b4dir" --to "${to[@]}" --cc "${cc[@]}"
		) >"$BUILD/send-b4.log" 2>&1; then
			b4_cleanup
			die "b4 prep/send of $gname failed (build/send-b4.log)"
		fi
		b4_cleanup
		echo "send: b4: $(ls "$b4dir" | wc -l) mails in ${b4dir#$top/}: $(sed -n 's/^Subject: //p' "$b4dir"/* | head -1)"
	fi
done
am_cleanup

[ "${SEND:-0}" = 1 ] || { echo "send: dry run; SEND=1 sends them with git send-email"; exit 0; }
if grep -rlq "$placeholder_email" "${outs[@]}"; then
	die "the mails carry the placeholder identity <$placeholder_email>: set git config user.name and user.email, then make send again"
fi
# Reserved domains (RFC 2606) are no sender either.
case "$email" in
*@example.*|*.example|*@*.example.*|*@localhost|*.invalid|*.test)
	die "user.email <$email> is not a mail address one can send from" ;;
esac
for out in "${outs[@]}"; do
	git -C "$LINUX" send-email --confirm=always "$out"/*.patch
done
