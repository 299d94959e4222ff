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
# A test suite with half a lock-order cycle in each of two test binaries: both tests pass, and
# lockorder_graph_report (the package's CMake function) fails with the cycle.
run(${CMAKE_COMMAND} -S ${ACROSS_TESTS_DIR} -B ${WORK_DIR}/across -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_BUILD_TYPE=RelWithDebInfo)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/across)
execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${WORK_DIR}/across --output-on-failure
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
foreach(expected "Orders.PostsAnOrder ...+ +Passed" "Billing.BillsAnAccount ...+ +Passed"
                 "lockorder_graph_report ...+\\*\\*\\*Failed"
                 "Cycle: accounts -> ledger -> accounts" "seen in 2 processes"
                 "in orders_test \\(pid " "in billing_test \\(pid ")
  if(status EQUAL 0 OR NOT out MATCHES "${expected}")
    message(FATAL_ERROR "the across-tests example: expected '${expected}':\n${out}")
  endif()
endforeach()

# The tools are installed without their debug information, which is beside them in .debug/.
find_program(READELF readelf REQUIRED)
foreach(tool lockorder-run lockorder-check lockorder-supervise lockorder-report)
  set(installed bin/${tool})
  execute_process(COMMAND ${READELF} -S ${prefix}/${installed} OUTPUT_VARIABLE sections)
  string(FIND "${sections}" ".debug_info" debug_at)
  if(NOT debug_at EQUAL -1)
    message(FATAL_ERROR "${installed} is installed with its debug information")
  endif()
  if(NOT EXISTS ${prefix}/bin/.debug/${tool}.debug)
    message(FATAL_ERROR "no separate debug file for ${installed}")
  endif()
endforeach()

# A machine without libdw or libsystemd fails at configure time, saying what to install.
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_LIBDIR=${WORK_DIR}/no-pkgconfig PKG_CONFIG_PATH=
          ${CMAKE_COMMAND} -S ${SOURCE_DIR}/consumer -B ${WORK_DIR}/build-without-deps
          -DCMAKE_PREFIX_PATH=${prefix}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
string(FIND "${out}" "lockorder needs libdw and libsystemd" said)
if(status EQUAL 0 OR said EQUAL -1)
  message(FATAL_ERROR "configuring without libdw/libsystemd should fail with a message:\n${out}")
endif()
message(STATUS "installed package works: ${prefix}")
