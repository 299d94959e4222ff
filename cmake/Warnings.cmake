# Warnings are errors for the project's own code; third-party headers come in as SYSTEM.
function(lockorder_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
