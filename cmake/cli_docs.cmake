# cmake -DFWPROV=<fwprov binary> -DFWPROV_SIM=<fwprov-sim binary> -DOUT=<dir> -P cli_docs.cmake: the man pages (man1/*.1.gz)
# and shell completions (bash/fwprov, zsh/_fwprov) that fwprov generates from its own command
# definitions. Run by the build after every link of fwprov (packaging/CMakeLists.txt), so what
# is installed is always what --help says.
foreach(var FWPROV FWPROV_SIM OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "cli_docs.cmake needs -D${var}=...")
  endif()
endforeach()
find_program(GZIP gzip REQUIRED)

# A command removed since the last build must lose its page: start from an empty folder.
file(REMOVE_RECURSE ${OUT}/man1.new)
file(MAKE_DIRECTORY ${OUT}/man1.new ${OUT}/bash ${OUT}/zsh)
execute_process(COMMAND ${FWPROV} --quiet help --man ${OUT}/man1.new COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${FWPROV_SIM} --man ${OUT}/man1.new COMMAND_ERROR_IS_FATAL ANY)
file(GLOB pages ${OUT}/man1.new/*.1)
foreach(page IN LISTS pages)
  # -n: no name or time stamp in the .gz (reproducible; lintian asks for -9).
  execute_process(COMMAND ${GZIP} -9nf ${page} COMMAND_ERROR_IS_FATAL ANY)
endforeach()
file(REMOVE_RECURSE ${OUT}/man1)
file(RENAME ${OUT}/man1.new ${OUT}/man1)
execute_process(COMMAND ${FWPROV} help --completion bash OUTPUT_FILE ${OUT}/bash/fwprov COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${FWPROV} help --completion zsh OUTPUT_FILE ${OUT}/zsh/_fwprov COMMAND_ERROR_IS_FATAL ANY)
file(TOUCH ${OUT}/stamp)
