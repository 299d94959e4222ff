# Test suites that merge their processes' lock-order graphs (lockorder-report).
#
#   lockorder_graph_report(DIRECTORY <dir> [NAME <test>] [TESTS <test>...]
#                          [OPTIONS <lockorder-report option>...])
#
# Adds the test <test> (default: lockorder_graph_report), which runs lockorder-report over <dir>
# after every test that writes its graph there, and fails when the merge finds a cycle that no
# test saw alone. Each test named in TESTS writes its graph into <dir> (its environment gets
# graph_dir=<dir> appended to LOCKORDER_OPTIONS); for tests added later, such as those of
# gtest_discover_tests, pass the properties the function leaves in
# LOCKORDER_GRAPH_TEST_PROPERTIES:
#
#   lockorder_graph_report(DIRECTORY ${CMAKE_BINARY_DIR}/lockorder-graphs)
#   gtest_discover_tests(orders_test PROPERTIES ${LOCKORDER_GRAPH_TEST_PROPERTIES})
#
# <dir> is emptied before the tests run (a CTest fixture), so that each ctest run reports on
# itself. LOCKORDER_REPORT_EXECUTABLE names lockorder-report (the package sets it).
function(lockorder_graph_report)
  cmake_parse_arguments(arg "" "DIRECTORY;NAME" "TESTS;OPTIONS" ${ARGN})
  if(NOT arg_DIRECTORY)
    message(FATAL_ERROR "lockorder_graph_report: DIRECTORY is required")
  endif()
  if(arg_DIRECTORY MATCHES "[:,]")
    message(FATAL_ERROR "lockorder_graph_report: DIRECTORY may not contain ':' or ',' "
                        "(LOCKORDER_OPTIONS separates its options with them): ${arg_DIRECTORY}")
  endif()
  if(NOT LOCKORDER_REPORT_EXECUTABLE)
    message(FATAL_ERROR "lockorder_graph_report: LOCKORDER_REPORT_EXECUTABLE is not set")
  endif()
  if(NOT arg_NAME)
    set(arg_NAME lockorder_graph_report)
  endif()
  set(fixture ${arg_NAME}.graphs)
  add_test(NAME ${arg_NAME}.clear COMMAND ${CMAKE_COMMAND} -E rm -rf ${arg_DIRECTORY})
  set_tests_properties(${arg_NAME}.clear PROPERTIES FIXTURES_SETUP ${fixture})
  add_test(NAME ${arg_NAME}
           COMMAND ${LOCKORDER_REPORT_EXECUTABLE} ${arg_OPTIONS} ${arg_DIRECTORY})
  set_tests_properties(${arg_NAME} PROPERTIES FIXTURES_CLEANUP ${fixture})
  set(properties
      ENVIRONMENT_MODIFICATION "LOCKORDER_OPTIONS=string_append::graph_dir=${arg_DIRECTORY}"
      FIXTURES_REQUIRED ${fixture})
  if(arg_TESTS)
    set_tests_properties(${arg_TESTS} PROPERTIES ${properties})
  endif()
  set(LOCKORDER_GRAPH_TEST_PROPERTIES ${properties} PARENT_SCOPE)
endfunction()
