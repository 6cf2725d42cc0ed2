# bsd.port.mk -- a tiny ports framework for the dsynth Linux demo (BSD make).
#
# A port's Makefile sets PORTNAME, PORTVERSION, COMMENT, and then one of
#   LIB=name SRCS=... HEADERS=...   a static library (lib/libname.a, include/...)
#   PROG=name SRCS=... LIBS=...     a program (bin/name)
#   USES=metaport                   no files, only dependencies
# plus optional FETCH/EXTRACT/PATCH/BUILD/LIB/RUN_DEPENDS ("target:origin[:tag]"),
# IGNORE, FLAVORS (with <flavor>_PKGNAMESUFFIX / <flavor>_CFLAGS), and then
# includes this file. Sources live in the port's src/ directory ("fetch" has
# nothing to download).
#
# It answers the same `make -V` variables as real ports (PKGVERSION, PKGFILE,
# ALLFILES, DIST_SUBDIR, MAKE_JOBS_NUMBER, IGNORE, the six *_DEPENDS,
# SELECTED_OPTIONS, DESELECTED_OPTIONS, USE_LINUX, FLAVORS, USES) and has the
# phase targets dsynth runs, in dsynth's order:
#   check-sanity pkg-depends fetch-depends fetch checksum extract-depends
#   extract patch-depends patch build-depends lib-depends configure build
#   run-depends stage check-plist package
# Each phase also runs the ones before it (guarded by cookies in WRKDIR), so
# `make package` works by hand. The *-depends targets only check that the
# dependency is present (dsynth installs dependency packages before the
# build); they do nothing when NO_DEPENDS is set.
#
# The package is a tarball of the staged files, relative to LOCALBASE, left
# where dsynth collects it: ${WRKDIRPREFIX}/<category>/<port>/pkg/${PKGFILE:T}.
# Install it with: tar -xf <file> -C ${LOCALBASE}

# `make -V VAR:T` prints expanded values, as FreeBSD/DragonFly make does.
.MAKE.EXPAND_VARIABLES=	yes

# dsynth writes the slot's settings into /etc/make.conf.
__MAKE_CONF?=	/etc/make.conf
.sinclude "${__MAKE_CONF}"

PORTSDIR?=	${.CURDIR:H:H}
LOCALBASE?=	/usr/local
WRKDIRPREFIX?=	/tmp/dsynth-demo-work
DISTDIR?=	${PORTSDIR}/distfiles
PACKAGES?=	${PORTSDIR}/packages
PKG_SUFX?=	.tgz
MAKE_JOBS_NUMBER?=	1

.if !empty(FLAVORS)
FLAVOR?=	${FLAVORS:[1]}
.  if empty(FLAVORS:M${FLAVOR})
.    error Unknown flavor '${FLAVOR}', possible flavors: ${FLAVORS}.
.  endif
.endif

PKGORIGIN=	${.CURDIR:H:T}/${.CURDIR:T}
PKGNAMESUFFIX?=
_FLAVOR_SUFFIX=	${FLAVOR:D${${FLAVOR}_PKGNAMESUFFIX:U}}
PKGVERSION=	${PORTVERSION}
PKGNAME=	${PORTNAME}${PKGNAMESUFFIX}${_FLAVOR_SUFFIX}-${PKGVERSION}
PKGFILE=	${PACKAGES}/All/${PKGNAME}${PKG_SUFX}

# The answers to dsynth's dependency query that this framework never sets.
ALLFILES?=
DIST_SUBDIR?=
SELECTED_OPTIONS?=
DESELECTED_OPTIONS?=
USE_LINUX?=
USES?=
FETCH_DEPENDS?=
EXTRACT_DEPENDS?=
PATCH_DEPENDS?=
BUILD_DEPENDS?=
LIB_DEPENDS?=
RUN_DEPENDS?=

WRKBASE=	${WRKDIRPREFIX}/${PKGORIGIN}
WRKDIR=		${WRKBASE}/work
WRKSRC=		${WRKDIR}/${PORTNAME}-${PORTVERSION}
STAGEDIR=	${WRKDIR}/stage
PKGREPOSITORY=	${WRKBASE}/pkg
MANIFESTDIR=	libdata/dsynth-demo

DEMO_CFLAGS=	-O2 -Wall ${FLAVOR:D${${FLAVOR}_CFLAGS:U}} -I${LOCALBASE}/include
_DONE=		${WRKDIR}/.done.

_TARCOMP.tgz=	-z
_TARCOMP.tbz=	-j
_TARCOMP.txz=	-J
_TARCOMP.tzst=	--zstd
_TARCOMP.tar=
_TARCOMP=	${_TARCOMP${PKG_SUFX}}

.PHONY: all check-sanity pkg-depends fetch-depends fetch checksum \
	extract-depends extract patch-depends patch build-depends lib-depends \
	configure build run-depends stage check-plist package install clean

all: build

check-sanity:
.if defined(IGNORE) && !empty(IGNORE)
	@echo "===>  ${PKGNAME} ${IGNORE}." ; exit 1
.endif
	@test -n "${PORTNAME}" -a -n "${PORTVERSION}" || \
	    { echo "===>  ${PKGORIGIN}: PORTNAME and PORTVERSION must be set"; exit 1; }
	@test -f ${_DONE}check-sanity || { \
	    echo "===>  Sanity check for ${PKGNAME}: ok"; \
	    mkdir -p ${WRKDIR} && touch ${_DONE}check-sanity; }

# Checks one *_DEPENDS list: absolute paths must exist, lib*.a / lib*.so*
# under ${LOCALBASE}/lib, anything else is a package name whose manifest
# must be installed. /nonexistent entries are never satisfied and skipped.
_CHECK_DEPENDS=	_check() { \
	  kind=$$1; shift; \
	  if [ -n "$${NO_DEPENDS}" ]; then return 0; fi; \
	  for d in "$$@"; do \
	    target=$${d%%:*}; rest=$${d\#*:}; origin=$${rest%%:*}; \
	    case "$$target" in \
	      /nonexistent) continue ;; \
	      /*) path=$$target ;; \
	      lib*.a|lib*.so*) path=${LOCALBASE}/lib/$$target ;; \
	      *) name=$${target%%[<>=]*}; \
	         set -- ${LOCALBASE}/${MANIFESTDIR}/$$name-[0-9]*; path=$$1 ;; \
	    esac; \
	    if [ -e "$$path" ]; then \
	      echo "===>   ${PKGNAME} depends on: $$target - found"; \
	    else \
	      echo "===>   ${PKGNAME} depends on: $$target - not found"; \
	      echo "*** $$kind dependency $$origin is not installed"; return 1; \
	    fi; \
	  done; }; _check

pkg-depends:
	@echo "===>  ${PKGNAME}: packages are tarballs, no package tool needed"
fetch-depends:
	@${_CHECK_DEPENDS} fetch ${FETCH_DEPENDS:@d@'${d}'@}
extract-depends:
	@${_CHECK_DEPENDS} extract ${EXTRACT_DEPENDS:@d@'${d}'@}
patch-depends:
	@${_CHECK_DEPENDS} patch ${PATCH_DEPENDS:@d@'${d}'@}
build-depends:
	@${_CHECK_DEPENDS} build ${BUILD_DEPENDS:@d@'${d}'@}
lib-depends:
	@${_CHECK_DEPENDS} library ${LIB_DEPENDS:@d@'${d}'@}
run-depends:
	@${_CHECK_DEPENDS} run ${RUN_DEPENDS:@d@'${d}'@}

fetch: check-sanity
	@test -f ${_DONE}fetch || { \
	    echo "===>  Fetching ${PKGNAME}: sources are in the ports tree"; \
	    touch ${_DONE}fetch; }

checksum: fetch
	@test -f ${_DONE}checksum || { \
	    echo "===>  Checksums for ${PKGNAME}: nothing to verify"; \
	    touch ${_DONE}checksum; }

extract: checksum
	@test -f ${_DONE}extract || { \
	    echo "===>  Extracting for ${PKGNAME}"; \
	    mkdir -p ${WRKSRC} && \
	    if [ -d ${.CURDIR}/src ]; then cp -R ${.CURDIR}/src/. ${WRKSRC}/; fi && \
	    touch ${_DONE}extract; }

patch: extract
	@test -f ${_DONE}patch || { \
	    echo "===>  Patching for ${PKGNAME}: no patches"; \
	    touch ${_DONE}patch; }

configure: patch
	@test -f ${_DONE}configure || { \
	    echo "===>  Configuring for ${PKGNAME}"; \
	    printf '#define PORT_VERSION "%s"\n#define PORT_FLAVOR "%s"\n' \
	        '${PORTVERSION}' '${FLAVOR}' > ${WRKSRC}/config.h && \
	    touch ${_DONE}configure; }

build: configure
	@test -f ${_DONE}build || { \
	    echo "===>  Building for ${PKGNAME}"; \
	    cd ${WRKSRC} && ${_BUILD_CMDS} && touch ${_DONE}build; }

stage: build
	@test -f ${_DONE}stage || { \
	    echo "===>  Staging for ${PKGNAME}"; \
	    rm -rf ${STAGEDIR} && mkdir -p ${STAGEDIR}/${MANIFESTDIR} && \
	    cd ${WRKSRC} && ${_STAGE_CMDS} && \
	    printf 'origin: %s\nname: %s\nversion: %s\nflavor: %s\n' \
	        '${PKGORIGIN}' '${PKGNAME}' '${PKGVERSION}' '${FLAVOR}' \
	        > ${STAGEDIR}/${MANIFESTDIR}/${PKGNAME} && \
	    touch ${_DONE}stage; }

check-plist: stage
	@cd ${STAGEDIR} && find . -type f | sort

package: stage
	@test -f ${_DONE}package || { \
	    echo "===>  Building package for ${PKGNAME}"; \
	    mkdir -p ${PKGREPOSITORY} && \
	    tar -c ${_TARCOMP} -f ${PKGREPOSITORY}/${PKGFILE:T} -C ${STAGEDIR} . && \
	    echo "===>  Created ${PKGREPOSITORY}/${PKGFILE:T}" && \
	    touch ${_DONE}package; }

# Not run by dsynth: unpack the package into LOCALBASE.
install: package
	@mkdir -p ${LOCALBASE} && tar -x -f ${PKGREPOSITORY}/${PKGFILE:T} -C ${LOCALBASE}

clean:
	@rm -rf ${WRKBASE}

# What build and stage do, by kind of port.
.if defined(LIB)
_OBJS=		${SRCS:R:S/$/.o/}
_BUILD_CMDS=	${CC} ${DEMO_CFLAGS} -c ${SRCS} && ar rcs lib${LIB}.a ${_OBJS}
_STAGE_CMDS=	mkdir -p ${STAGEDIR}/lib ${STAGEDIR}/include && \
		cp lib${LIB}.a ${STAGEDIR}/lib/ && cp ${HEADERS} ${STAGEDIR}/include/
.elif defined(PROG)
_BUILD_CMDS=	${CC} ${DEMO_CFLAGS} -o ${PROG} ${SRCS} -L${LOCALBASE}/lib ${LIBS:U} && ./${PROG}
_STAGE_CMDS=	mkdir -p ${STAGEDIR}/bin && cp ${PROG} ${STAGEDIR}/bin/
.else
_BUILD_CMDS=	true
_STAGE_CMDS=	true
.endif
