# images.mk: the Docker engine, the base images, the images and their tests.
#
#   make bases          start the engine if none answers, then provide the
#                       bases (upstream where a registry answers, local
#                       stand-ins otherwise) and write build/bases.env
#   make images         build $(SERVICES) x $(VARIANTS), tagged
#                       $(IMAGE_PREFIX)/<service>:<variant>
#   make check-images   bases and images (built if needed), then
#                       tests/images/*.sh against the real engine
#
# Variables: IMAGE_PREFIX SERVICES VARIANTS BUILDER (buildkit | legacy)
# ENGINE (client command) BASES_FLAGS (--rebuild, --offline).
# The scripts do the work: scripts/engine.sh, bases.sh, images.sh.

IMAGE_PREFIX ?= slimline
SERVICES ?= hello whoami notes
VARIANTS ?= naive alpine scratch
BUILDER ?= buildkit
ENGINE ?= docker
BASES_FLAGS ?=

SL_IMAGES_ENV = IMAGE_PREFIX='$(IMAGE_PREFIX)' SERVICES='$(SERVICES)' \
  VARIANTS='$(VARIANTS)' BUILDER='$(BUILDER)' ENGINE='$(ENGINE)' \
  VERSION='$(VERSION)' SL_BUILD_DIR='$(abspath $(BUILD))'

.PHONY: engine bases images check-images

engine: ## start the Docker engine if none answers
	$(Q)scripts/engine.sh ensure

bases: engine ## provide the base images and write build/bases.env
	$(Q)SL_BUILD_DIR='$(abspath $(BUILD))' SL_DOCKER='$(ENGINE)' scripts/bases.sh $(BASES_FLAGS)

# REVISION comes from the top Makefile; CREATED defaults to the commit time
# in images.sh so that an unchanged tree reuses every cached layer.
images: bases ## build SERVICES x VARIANTS images, tagged IMAGE_PREFIX/<service>:<variant>
	$(Q)$(SL_IMAGES_ENV) REVISION='$(REVISION)' scripts/images.sh

check-images: images ## the image tests against the real engine (tests/images)
	$(Q)scripts/deps.sh images
	$(Q)$(SL_IMAGES_ENV) tests/images/run.sh

CHECK_TARGETS += check-images
