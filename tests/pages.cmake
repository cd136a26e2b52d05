# SPDX-License-Identifier: MIT
# tests/pages -> test_pages, the lesson pages checked in headless Chromium
# (pages/test_pages.cpp). Fixtures make the pages first, as ./run.sh lessons
# does: the lesson tests (lessons.cmake) run their programs into
# build/<preset>/pages_test/out and keep what each printed there, the figure
# gallery runs too, then fluxion_pages writes the HTML. The test exits 77, a
# skip, when Chromium or chromedriver is missing; it leaves a screenshot of
# lesson 7's page in out/.
add_executable(test_pages ${_srcs})
target_link_libraries(test_pages PRIVATE GTest::gtest)
fluxion_warnings(test_pages)

set(_pages_out ${PROJECT_BINARY_DIR}/pages_test/out)
get_property(_lessons GLOBAL PROPERTY FLUXION_LESSONS)
foreach(lesson ${_lessons})
  set_tests_properties(${lesson} PROPERTIES FIXTURES_SETUP pages_runs)
  set_property(TEST ${lesson} APPEND PROPERTY ENVIRONMENT
               FLUXION_LESSON_KEEP_DIR=${_pages_out} FLUXION_FIGURE_FORMATS=png,svg)
endforeach()
add_test(NAME pages_run_plot_gallery
         COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:plot_gallery> -DNAME=plot_gallery -DOUT=${_pages_out}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/pages/run_program.cmake)
set_tests_properties(pages_run_plot_gallery PROPERTIES FIXTURES_SETUP pages_runs LABELS pages)
add_test(NAME pages_write COMMAND fluxion_pages ${PROJECT_SOURCE_DIR} ${_pages_out})
set_tests_properties(pages_write PROPERTIES FIXTURES_REQUIRED pages_runs FIXTURES_SETUP pages LABELS pages)

add_test(NAME pages_browser COMMAND test_pages --gtest_brief=1)
set_tests_properties(pages_browser PROPERTIES FIXTURES_REQUIRED pages LABELS pages SKIP_RETURN_CODE 77 TIMEOUT 300
  ENVIRONMENT "FLUXION_PAGES_DIR=${_pages_out};FLUXION_SCREENSHOT=${PROJECT_SOURCE_DIR}/out/lesson07_page.png")
