# Installs the build into a fresh prefix, builds the consumer project against it with
# find_package(lockorder CONFIG), runs it, and checks what lockorder said.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${out}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/consumer -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_BUILD_TYPE=RelWithDebInfo)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)

execute_process(COMMAND ${WORK_DIR}/build/consumer RESULT_VARIABLE status ERROR_VARIABLE err)
if(NOT status EQUAL 66)
  message(FATAL_ERROR "consumer exited with ${status}, expected 66\n${err}")
endif()
string(FIND "${err}" "WARNING: lockorder: lock-order-inversion" at)
string(FIND "${err}" "Cycle: consumer_a -> consumer_b -> consumer_a" cycle_at)
if(at EQUAL -1 OR cycle_at EQUAL -1)
  message(FATAL_ERROR "consumer did not report the inversion:\n${err}")
endif()
message(STATUS "installed package works: ${prefix}")
