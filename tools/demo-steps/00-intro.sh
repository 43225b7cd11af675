# Demo step 00: what runs.
echo "fwprov $("$FWPROV" --version) demo in $DEMO"
step "exit codes every command uses" "$FWPROV" help exit-codes
