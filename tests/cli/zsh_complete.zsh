# zsh -f zsh_complete.zsh COMPLETION_FILE WORD...: what the zsh completion (_fwprov) offers for
# the last word, one per line, filtered by that word as a prefix the way compadd would.
# _describe, _files and compdef are stubbed: this checks the script's own walk and tables
# without an interactive shell. `<files>` stands for file completion.
_describe() { local name=${@[-1]}; print -l -- ${${(P)name}%%:*}; }
_files() { print -- '<files>'; }
compdef() { :; }
source "$1"; shift
words=("$@"); CURRENT=$#words; PREFIX=${words[-1]}
_fwprov | while read -r offer; do [[ $offer == "$PREFIX"* || $offer == '<files>' ]] && print -- $offer; done
