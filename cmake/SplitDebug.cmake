# Installed binaries without their debug information: lockorder_install_stripped(TARGET DEST)
# installs the target's file to DEST stripped of debug sections, and the debug information into
# DEST/.debug/<file>.debug, linked by a .gnu_debuglink section: gdb and libdw look there for
# any install prefix. A build without debug information installs as it is.
find_program(LOCKORDER_OBJCOPY NAMES objcopy)

function(lockorder_install_stripped target destination)
  install(TARGETS ${target} RUNTIME DESTINATION ${destination} LIBRARY DESTINATION ${destination})
  if(NOT LOCKORDER_OBJCOPY)
    return()
  endif()
  install(CODE "
    set(file \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${destination}/$<TARGET_FILE_NAME:${target}>\")
    set(debug_dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${destination}/.debug\")
    set(debug \"\${debug_dir}/$<TARGET_FILE_NAME:${target}>.debug\")
    file(MAKE_DIRECTORY \"\${debug_dir}\")
    execute_process(COMMAND \"${LOCKORDER_OBJCOPY}\" --only-keep-debug \"\${file}\" \"\${debug}\"
                    RESULT_VARIABLE kept)
    if(kept EQUAL 0)
      execute_process(COMMAND \"${LOCKORDER_OBJCOPY}\" --strip-debug
                              \"--add-gnu-debuglink=\${debug}\" \"\${file}\" RESULT_VARIABLE stripped)
      if(NOT stripped EQUAL 0)
        message(WARNING \"could not strip \${file}: it is installed with its debug information\")
      endif()
    endif()
  ")
endfunction()
