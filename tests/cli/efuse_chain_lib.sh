# What the eFuse chain tests share (efuse_golden.test.sh: the virtual file; efuse_link.test.sh:
# over the link): a golden step folder holds the step's input files beside what espefuse made
# of them; copy_step_inputs DIR RUN copies only the inputs (key files, CSVs) into the chain's
# run folder, where the step's relative argv finds them.
copy_step_inputs() {
  local input
  for input in "$1"/*; do
    case "$(basename "$input")" in
      args.json|efuse.bin|efuse_before.bin|summary.json|summary.txt|dump.txt|output.txt|register-trace.txt) ;;
      *) cp "$input" "$2/" ;;
    esac
  done
}
