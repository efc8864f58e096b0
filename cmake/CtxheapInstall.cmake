# Install rules: the libraries as exported targets (find_package(ctxheap) gives
# ctxheap::context, ctxheap::collector, ctxheap::analyzer, ctxheap::report), their
# public headers, pkg-config files, the ctxheap and ctxheap-gui programs, the docs, and
# a Debian package through CPack (`cpack -G DEB` in the build tree). See docs/install.md.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CTXHEAP_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/ctxheap")
set(CTXHEAP_PKGCONFIG_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

# Exported name of each library. The collector's archive is installed as it is; what a
# program links is ctxheap::collector, which takes the whole archive (its load-time
# installer is referenced by nothing).
set(_ctxheap_exported
  ctxheap_vocabulary:vocabulary
  ctxheap_stacks:stacks
  ctxheap_context:context
  ctxheap_format:format
  ctxheap_symbolize:symbolize
  ctxheap_collector:collector_archive
  ctxheap_collector_linked:collector
  ctxheap_pprof_proto:pprof_proto
  ctxheap_analyzer:analyzer
  ctxheap_report:report
  ctxheap_warnings:warnings)
set(_ctxheap_install_targets)
foreach(entry IN LISTS _ctxheap_exported)
  string(REPLACE ":" ";" pair "${entry}")
  list(GET pair 0 target)
  list(GET pair 1 name)
  if(TARGET ${target})
    set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
    list(APPEND _ctxheap_install_targets ${target})
  endif()
endforeach()

install(TARGETS ${_ctxheap_install_targets}
  EXPORT ctxheapTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# Public headers: each library keeps them under <dir>/include/ctxheap/<part>/.
foreach(dir collector/context collector/format collector/format/vocabulary collector/symbolize
            collector/tagging analyzer analyzer/report)
  if(EXISTS "${PROJECT_SOURCE_DIR}/${dir}/include/ctxheap")
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/${dir}/include/ctxheap"
            DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endforeach()

install(EXPORT ctxheapTargets NAMESPACE ctxheap:: DESTINATION ${CTXHEAP_CMAKE_DIR})
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/install/ctxheapConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/ctxheapConfig.cmake" INSTALL_DESTINATION ${CTXHEAP_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/ctxheapConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/ctxheapConfig.cmake" "${PROJECT_BINARY_DIR}/ctxheapConfigVersion.cmake"
        DESTINATION ${CTXHEAP_CMAKE_DIR})

# pkg-config files find the prefix from their own place (${pcfiledir}), so they stay
# right under any `cmake --install --prefix` and in the .deb.
file(RELATIVE_PATH CTXHEAP_PC_PREFIX "/root/${CTXHEAP_PKGCONFIG_DIR}" "/root")
string(REGEX REPLACE "/$" "" CTXHEAP_PC_PREFIX "${CTXHEAP_PC_PREFIX}")
foreach(pc context collector analyzer report)
  configure_file("${CMAKE_CURRENT_LIST_DIR}/install/ctxheap-${pc}.pc.in"
                 "${PROJECT_BINARY_DIR}/pkgconfig/ctxheap-${pc}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/ctxheap-${pc}.pc" DESTINATION ${CTXHEAP_PKGCONFIG_DIR})
endforeach()

foreach(program ctxheap ctxheap-gui)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/" DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package: `cpack -G DEB` in the build tree writes ctxheap_<version>_<arch>.deb.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ctxheap)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "ctxheap")
set(CPACK_PACKAGE_CONTACT "ctxheap maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Heap profiler for Go-style cancellation-context leaks in C++ programs")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
set(CPACK_STRIP_FILES ON)
# The static libraries and headers are linked with these (find_dependency in
# ctxheapConfig.cmake, Requires in the .pc files).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
  "pkg-config, libgoogle-perftools-dev, libunwind-dev, libprotobuf-dev, libzstd-dev, libdw-dev, zlib1g-dev, nlohmann-json3-dev")
include(CPack)
