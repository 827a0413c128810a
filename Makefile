# sharedmemory-gtk: build, run, test and install.
#
#   make run        build, start the viewer, then the loader (closing the loader stops the viewer)
#   make test       unit tests, GUI tests under Xvfb + AT-SPI, validation of the data files
#   make install    PREFIX=/usr/local DESTDIR= (release build)
#   make deb        the Debian package, out/deb/sharedmemory-gtk_VERSION_ARCH.deb (make deb-test installs
#                   it into a clean Debian 12 root and runs it there)
#
# Override SWIFT_BUILD_FLAGS to use another scratch path or configuration, e.g.
#   make test SWIFT_BUILD_FLAGS="--scratch-path .build-ci"

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := build

PREFIX            ?= /usr/local
DESTDIR           ?=
SWIFT             ?= swift
SWIFT_BUILD_FLAGS ?=
# Debian's interpreter: it has python3-gi. The python3 on PATH may be another one (pyenv).
PYTHON            ?= /usr/bin/python3
KEY               ?= fileloader_shm_key
XVFB_SCREEN       ?= 1600x1000x24
# `make gui-test XVFB_RUN="xvfb-run -n 91"` pins a display number, so two runs at once cannot race for one.
XVFB_RUN          ?= xvfb-run -a

APP_VIEWER := org.sharedmemorygtk.Viewer
APP_LOADER := org.sharedmemorygtk.Loader
BINARIES   := sharedmemory sharedmemory_loader sharedmemory-ctl
# PNG renditions of data/icons/sharedmemory-gtk.svg (made once with ImageMagick's convert and
# committed): window icons come from them, so no process loads librsvg (~9 MiB) for its icon.
ICON_SIZES := 48 128

# librsvg2-common: GdkPixbuf's SVG loader; webp-pixbuf-loader: its WebP loader (the viewer's Picture view;
# PNG, JPEG, GIF, BMP, ICO and TIFF loaders come with libgdk-pixbuf itself).
BUILD_DEPS := libgtk-3-dev libgtksourceview-4-dev libglib2.0-dev pkg-config gettext librsvg2-common webp-pixbuf-loader
# The fonts only make the screenshot show every script of assets/files/multilingual.txt.
# qtbase5-dev, qt6-base-dev + g++ let the interop tests build a real QSharedMemory peer against
# each Qt (they skip without them; `make test` requires both, see unit-test).
# python3-venv + PyPI's PyQt6 (in $(QT6_VENV), ignored by git): a current Qt 6 (6.6+, POSIX keys) for the
# interop tests, newer than Debian's qt6-base-dev. mandoc and man-db check the manual pages; locales
# gives the German locale of the translation tests; xdotool types keys and drags files in the GUI tests;
# weston (its headless backend) is the Wayland compositor of the GUI suite's Wayland run.
TEST_DEPS  := $(BUILD_DEPS) qtbase5-dev qt6-base-dev g++ python3-venv xvfb xauth dbus dbus-x11 at-spi2-core gir1.2-atspi-2.0 python3-gi \
              imagemagick desktop-file-utils appstream procps util-linux mandoc man-db locales xdotool \
              fonts-dejavu-core fonts-droid-fallback fonts-nanum fonts-lohit-deva fonts-noto-color-emoji weston

QT6_VENV := .venv-qt6

SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

# Translations: po/LINGUAS lists the languages; catalogs and translated data files are built into
# LOCALE_DIR, where the programs find them when run from the source tree (Localization.swift).
LOCALE_DIR := .build-locale
LINGUAS    := $(shell cat po/LINGUAS)
DATA_FILES := $(APP_VIEWER).desktop $(APP_LOADER).desktop $(APP_VIEWER).metainfo.xml
# Bench output is for developers, in English; everything users read is extracted.
POT_SOURCES = $(shell find Sources -name '*.swift' -not -path 'Sources/Bench/*' | LC_ALL=C sort)

BINDIR   := $(DESTDIR)$(PREFIX)/bin
SHAREDIR := $(DESTDIR)$(PREFIX)/share

.PHONY: pot catalogs deps test-deps build release run test unit-test gui-test reliability-test reliability bench-check man-check l10n-check docs examples screenshot validate install uninstall clean

# Install the Debian packages of $(1) that are missing; apt-get update only when something is.
define apt_install
missing=()
for pkg in $(1); do
  dpkg-query -W -f='$${Status}\n' "$$pkg" 2>/dev/null | grep -q '^install ok installed$$' || missing+=("$$pkg")
done
if (( $${#missing[@]} )); then
  echo "Installing missing packages: $${missing[*]}"
  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$${missing[@]}"
else
  echo "All needed packages are installed."
fi
command -v $(SWIFT) >/dev/null || { echo "$(SWIFT) not found: install the Swift toolchain (e.g. /opt/swift/usr/bin on PATH)"; exit 1; }
endef

deps:
	@$(call apt_install,$(BUILD_DEPS))

test-deps:
	@$(call apt_install,$(TEST_DEPS))
	# The translation tests need the German locale.
	if ! locale -a 2>/dev/null | grep -qix 'de_DE.utf8'; then
	  $(SUDO) sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
	  grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' | $(SUDO) tee -a /etc/locale.gen >/dev/null
	  $(SUDO) locale-gen
	fi
	if ! $(QT6_VENV)/bin/python -c 'import PyQt6.QtCore' 2>/dev/null; then
	  echo "Installing PyQt6 from PyPI into $(QT6_VENV)"
	  rm -rf $(QT6_VENV)
	  $(PYTHON) -m venv $(QT6_VENV)
	  $(QT6_VENV)/bin/pip install -q PyQt6
	fi

build: catalogs
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

# The template from the sources (tr/trn calls), the desktop files and the metainfo; then each
# translation is merged with it. Run after changing user-visible text, then translate.
pot:
	xgettext --from-code=UTF-8 --language=C --keyword= --keyword=tr --keyword=trn:1,2 \
	  --add-comments=TRANSLATORS: --package-name=sharedmemory-gtk --sort-by-file --force-po \
	  -o po/sharedmemory-gtk.pot $(POT_SOURCES)
	xgettext --join-existing --language=Desktop -o po/sharedmemory-gtk.pot $(addprefix data/,$(filter %.desktop,$(DATA_FILES)))
	xgettext --join-existing -o po/sharedmemory-gtk.pot $(addprefix data/,$(filter %.xml,$(DATA_FILES)))
	for lang in $(LINGUAS); do msgmerge --quiet --update --backup=none --no-fuzzy-matching po/$$lang.po po/sharedmemory-gtk.pot; done

# Compiled catalogs and the translated desktop files and metainfo (checked: a fuzzy or
# untranslated entry, or a format mismatch, fails the build).
catalogs:
	@for lang in $(LINGUAS); do
	  mkdir -p $(LOCALE_DIR)/$$lang/LC_MESSAGES
	  stats=$$(msgfmt --check --statistics -o $(LOCALE_DIR)/$$lang/LC_MESSAGES/sharedmemory-gtk.mo po/$$lang.po 2>&1)
	  echo "po/$$lang.po: $$stats"
	  case "$$stats" in *untranslated*|*fuzzy*) echo "po/$$lang.po is incomplete"; exit 1;; esac
	done
	mkdir -p $(LOCALE_DIR)/data
	for file in $(filter %.desktop,$(DATA_FILES)); do msgfmt --desktop --template data/$$file -d po -o $(LOCALE_DIR)/data/$$file; done
	for file in $(filter %.xml,$(DATA_FILES)); do msgfmt --xml --template data/$$file -d po -o $(LOCALE_DIR)/data/$$file; done

release:
	$(SWIFT) build -c release $(SWIFT_BUILD_FLAGS)

# Viewer first (it creates the segment), wait until the segment exists, then the loader.
run: deps build
	@bin="$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)"
	"$$bin/sharedmemory" --key '$(KEY)' &
	viewer=$$!
	trap 'kill $$viewer 2>/dev/null || true; wait $$viewer 2>/dev/null || true' EXIT
	for _ in $$(seq 50); do
	  "$$bin/sharedmemory-ctl" info --key '$(KEY)' >/dev/null 2>&1 && break
	  kill -0 $$viewer 2>/dev/null || { echo "The viewer exited before creating the segment."; exit 1; }
	  sleep 0.1
	done
	"$$bin/sharedmemory-ctl" info --key '$(KEY)' >/dev/null 2>&1 || { echo "No segment for key $(KEY) after 5 s."; exit 1; }
	"$$bin/sharedmemory_loader" --key '$(KEY)' --assets '$(CURDIR)/assets/files'

# Runs every stage, then fails if any stage failed. The GUI tests go last so that their
# closing line (`N passed, M failed`) ends the output of a successful run.
test: test-deps build
	@failed=()
	$(MAKE) --no-print-directory unit-test || failed+=(unit-test)
	$(MAKE) --no-print-directory validate  || failed+=(validate)
	$(MAKE) --no-print-directory reliability-test || failed+=(reliability-test)
	$(MAKE) --no-print-directory bench-check || failed+=(bench-check)
	$(MAKE) --no-print-directory man-check || failed+=(man-check)
	$(MAKE) --no-print-directory docs || failed+=(docs)
	$(MAKE) --no-print-directory examples || failed+=(examples)
	$(MAKE) --no-print-directory l10n-check || failed+=(l10n-check)
	$(MAKE) --no-print-directory deb-test  || failed+=(deb-test)
	$(MAKE) --no-print-directory gui-test  || failed+=(gui-test)
	if (( $${#failed[@]} )); then echo "make test: FAILED: $${failed[*]}"; exit 1; fi

unit-test:
	SHAREDMEMORY_QT_MAJORS="5 6" SHAREDMEMORY_PYQT6=1 $(SWIFT) test $(SWIFT_BUILD_FLAGS)

# Once per language of GUI_LANGUAGES: the whole suite in English, then the translated subset in
# German (Tests/pysupport/l10n.py), each with its screenshot (out/screenshot.png, out/screenshot-de.png).
GUI_LANGUAGES ?= en de

gui-test: catalogs
	SHAREDMEMORY_BIN_DIR="$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)" \
	SHAREDMEMORY_ASSETS="$(CURDIR)/assets/files" \
	GUI_LANGUAGES="$(GUI_LANGUAGES)" \
	$(XVFB_RUN) -s "-screen 0 $(XVFB_SCREEN)" Tests/gui/run_languages.sh $(PYTHON)
	# Once more under Wayland (a headless Weston), the tests that need no X11 (issue 23).
	SHAREDMEMORY_BIN_DIR="$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)" \
	SHAREDMEMORY_ASSETS="$(CURDIR)/assets/files" \
	Tests/gui/run_wayland.sh $(PYTHON)

# The bounded reliability suite (faults, load, bad input, security, fuzzing; under 5 minutes);
# `make reliability` runs the long variant with more trials (docs/RELIABILITY.md).
reliability-test:
	SWIFT_TEST="$(SWIFT) test $(SWIFT_BUILD_FLAGS)" \
	SHAREDMEMORY_BIN_DIR="$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)" \
	SHAREDMEMORY_ASSETS="$(CURDIR)/assets/files" \
	$(PYTHON) Tests/reliability/run.py

reliability: test-deps build
	SWIFT_TEST="$(SWIFT) test $(SWIFT_BUILD_FLAGS)" \
	SHAREDMEMORY_BIN_DIR="$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)" \
	SHAREDMEMORY_ASSETS="$(CURDIR)/assets/files" \
	$(PYTHON) Tests/reliability/run.py --full

# The benchmark runs and prints every figure (--quick); the figures are never asserted.
bench-check:
	Tests/bench/check_bench.sh "$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)"

# The SharedMemory library's documentation (Sources/SharedMemory/SharedMemory.docc and the `///`
# comments) as a static site in $(DOCS_DIR), with swift-docc-plugin; any DocC warning fails it.
DOCS_DIR ?= .build/docs
docs:
	$(SWIFT) package $(SWIFT_BUILD_FLAGS) --allow-writing-to-directory $(DOCS_DIR) \
	  generate-documentation --target SharedMemory --output-path $(DOCS_DIR) \
	  --transform-for-static-hosting --disable-indexing --warnings-as-errors
	echo "documentation: $(DOCS_DIR)/documentation/sharedmemory/index.html"

# Examples/ (one package depending on this one by path, as a user's would by URL): built once in
# its own scratch folder, then each program runs: producer + consumer, a lock holder killed with
# SIGKILL, and a Qt 6 peer (PyQt6 from $(QT6_VENV), made by `make test-deps`).
EXAMPLES_BUILD ?= .build-examples
examples:
	$(SWIFT) build --package-path Examples --scratch-path $(EXAMPLES_BUILD)
	bin="$$($(SWIFT) build --package-path Examples --scratch-path $(EXAMPLES_BUILD) --show-bin-path)"
	key="examples_$$$$"
	"$$bin/producer" "$$key" & producer=$$!
	timeout 60 "$$bin/consumer" "$$key"
	wait $$producer
	timeout 60 "$$bin/crash-safely"
	QT6_PYTHON="$(CURDIR)/$(QT6_VENV)/bin/python" timeout 60 "$$bin/qt-interop"

# The manual pages: mandoc lint without warnings, `man -l` renders them, every option of the
# programs' --help is described.
man-check:
	$(PYTHON) Tests/man/check_man.py "$$($(SWIFT) build $(SWIFT_BUILD_FLAGS) --show-bin-path)"

# User-visible literals that bypass gettext (not yet part of `make test`: the sources are being
# moved onto tr()/trn(); see po/README.md).
l10n-check:
	$(PYTHON) Tests/l10n/check_strings.py

# The README's pictures (English and German; the viewer alone, light and dark, from the
# source_view_scheme_* GUI tests): refreshed on purpose, so that `make test` leaves the tree clean.
screenshot: gui-test
	cp out/screenshot.png docs/screenshot.png
	cp out/screenshot-de.png docs/screenshot-de.png
	cp out/viewer-light.png docs/viewer-light.png
	cp out/viewer-dark.png docs/viewer-dark.png
	cp out/screenshot-dark.png docs/screenshot-dark.png
	cp out/viewer-picture.png docs/viewer-picture.png
	cp out/viewer-picture-dark.png docs/viewer-picture-dark.png
	cp out/viewer-hex.png docs/viewer-hex.png

validate: catalogs
	desktop-file-validate data/$(APP_VIEWER).desktop data/$(APP_LOADER).desktop
	desktop-file-validate $(LOCALE_DIR)/data/$(APP_VIEWER).desktop $(LOCALE_DIR)/data/$(APP_LOADER).desktop
	appstreamcli validate --no-net data/$(APP_VIEWER).metainfo.xml
	appstreamcli validate --no-net $(LOCALE_DIR)/data/$(APP_VIEWER).metainfo.xml
	$(PYTHON) -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' data/icons/sharedmemory-gtk.svg
	# One version: ProjectVersion (every --version) is the metainfo's newest release.
	code=$$(sed -n 's/.*static let number = "\(.*\)".*/\1/p' Sources/ProjectVersion/ProjectVersion.swift)
	meta=$$(grep -o '<release version="[^"]*"' data/$(APP_VIEWER).metainfo.xml | head -n 1 | cut -d '"' -f 2)
	[ -n "$$code" ] && [ "$$code" = "$$meta" ] || { echo "ProjectVersion.number '$$code' is not the metainfo's newest release '$$meta'"; exit 1; }
	# ... and the Debian package's (debian/changelog's newest entry; debian/rules checks it at build time too).
	deb=$$(sed -n '1s/^[^(]*(\([^)-]*\).*/\1/p' debian/changelog)
	[ "$$code" = "$$deb" ] || { echo "ProjectVersion.number '$$code' is not debian/changelog's newest version '$$deb' (add an entry: dch -v $$code)"; exit 1; }
	echo "data files are valid"

install: catalogs release
	@bin="$$($(SWIFT) build -c release $(SWIFT_BUILD_FLAGS) --show-bin-path)"
	for b in $(BINARIES); do install -Dm755 "$$bin/$$b" "$(BINDIR)/$$b"; done
	install -d "$(SHAREDIR)/sharedmemory-gtk/files"
	install -m644 assets/files/* "$(SHAREDIR)/sharedmemory-gtk/files/"
	install -Dm644 $(LOCALE_DIR)/data/$(APP_VIEWER).desktop "$(SHAREDIR)/applications/$(APP_VIEWER).desktop"
	install -Dm644 $(LOCALE_DIR)/data/$(APP_LOADER).desktop "$(SHAREDIR)/applications/$(APP_LOADER).desktop"
	for app in $(APP_VIEWER) $(APP_LOADER); do
	  install -Dm644 data/icons/sharedmemory-gtk.svg "$(SHAREDIR)/icons/hicolor/scalable/apps/$$app.svg"
	  for size in $(ICON_SIZES); do
	    install -Dm644 data/icons/sharedmemory-gtk-$$size.png "$(SHAREDIR)/icons/hicolor/$${size}x$$size/apps/$$app.png"
	  done
	done
	install -Dm644 $(LOCALE_DIR)/data/$(APP_VIEWER).metainfo.xml "$(SHAREDIR)/metainfo/$(APP_VIEWER).metainfo.xml"
	for lang in $(LINGUAS); do
	  install -Dm644 $(LOCALE_DIR)/$$lang/LC_MESSAGES/sharedmemory-gtk.mo "$(SHAREDIR)/locale/$$lang/LC_MESSAGES/sharedmemory-gtk.mo"
	done
	for b in $(BINARIES); do install -Dm644 "data/man/$$b.1" "$(SHAREDIR)/man/man1/$$b.1"; done
	if [ -z "$(DESTDIR)" ] && command -v gtk-update-icon-cache >/dev/null; then
	  gtk-update-icon-cache -qtf "$(SHAREDIR)/icons/hicolor" || true
	fi

# The Debian package (debian/, debhelper): out/deb/sharedmemory-gtk_VERSION_ARCH.deb, the Swift runtime
# and Foundation linked into the programs; lintian must report no error and no warning. The static
# release build stays in .build-deb for the next `make deb` (`debian/rules clean` removes it).
DEB_DEPS := debhelper dpkg-dev lintian
DEB_OUT  := out/deb
DEB_NAME  = sharedmemory-gtk_$$(dpkg-parsechangelog -S Version)_$$(dpkg-architecture -qDEB_HOST_ARCH)

.PHONY: deb deb-test
deb:
	@$(call apt_install,$(BUILD_DEPS) $(DEB_DEPS))
	name=$(DEB_NAME)
	mkdir -p $(DEB_OUT)
	rm -f $(DEB_OUT)/$$name.* $(DEB_OUT)/sharedmemory-gtk-dbgsym_* debian/debhelper-build-stamp
	DEB_DESTDIR=$(DEB_OUT) dpkg-buildpackage -b -us -uc --no-pre-clean \
	  --buildinfo-option=-u$(DEB_OUT) --buildinfo-file=$(DEB_OUT)/$$name.buildinfo \
	  --changes-option=-u$(DEB_OUT) --changes-file=$(DEB_OUT)/$$name.changes
	lintian --fail-on error,warning --display-info $(DEB_OUT)/$$name.changes
	ls -l $(DEB_OUT)/$$name.deb

# Installs the package with apt into a clean Debian 12 root, runs both windows from their desktop
# entries and removes it again (Tests/deb/deb_test.sh; root, the root is cached in /var/cache).
deb-test: deb
	@$(call apt_install,mmdebstrap)
	$(SUDO) Tests/deb/deb_test.sh $(DEB_OUT)/$(DEB_NAME).deb

uninstall:
	rm -f $(addprefix "$(BINDIR)/,$(addsuffix ",$(BINARIES)))
	rm -rf "$(SHAREDIR)/sharedmemory-gtk"
	rm -f "$(SHAREDIR)/applications/$(APP_VIEWER).desktop" "$(SHAREDIR)/applications/$(APP_LOADER).desktop"
	for app in $(APP_VIEWER) $(APP_LOADER); do
	  rm -f "$(SHAREDIR)/icons/hicolor/scalable/apps/$$app.svg"
	  for size in $(ICON_SIZES); do rm -f "$(SHAREDIR)/icons/hicolor/$${size}x$$size/apps/$$app.png"; done
	done
	rm -f "$(SHAREDIR)/metainfo/$(APP_VIEWER).metainfo.xml"
	rm -f $(addprefix "$(SHAREDIR)/man/man1/,$(addsuffix .1",$(BINARIES)))
	for lang in $(LINGUAS); do rm -f "$(SHAREDIR)/locale/$$lang/LC_MESSAGES/sharedmemory-gtk.mo"; done

clean:
	rm -rf .build .build-fuzz .build-deb $(EXAMPLES_BUILD) $(LOCALE_DIR) out
