# LOCKORDER_OPTIONS end to end, on an example program that inverts two locks:
# exitcode and sarif are honoured, and a bad option is a clear message, not a crash.
function(run_example options out_status out_stderr)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env "LOCKORDER_OPTIONS=${options}" ${EXAMPLE}
                  RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_QUIET)
  set(${out_status} ${status} PARENT_SCOPE)
  set(${out_stderr} "${err}" PARENT_SCOPE)
endfunction()

set(sarif ${WORK_DIR}/env_options.sarif)
file(REMOVE ${sarif})
run_example("exitcode=7:sarif=${sarif}" status err)
if(NOT status EQUAL 7)
  message(FATAL_ERROR "exitcode=7 was not honoured: exit status ${status}\n${err}")
endif()
if(NOT EXISTS ${sarif})
  message(FATAL_ERROR "sarif=${sarif} was not written")
endif()
file(READ ${sarif} log)
string(FIND "${log}" "\"ruleId\": \"lock-order-inversion\"" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the SARIF file has no lock-order-inversion result:\n${log}")
endif()

run_example("bogus=1" status err)
string(FIND "${err}" "LOCKORDER_OPTIONS: unknown option 'bogus'" at)
if(at EQUAL -1 OR NOT status EQUAL 66)
  message(FATAL_ERROR "a bad option should be named and the defaults kept (status ${status}):\n${err}")
endif()
