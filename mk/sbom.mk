# sbom.mk: what is inside each image, what it is exposed to, and under
# which licences (docs/sbom.md).
#
#   make sbom-tools      install tools/sbom (cdxgen, ajv, CycloneDX's
#                        schemas) with npm from its package-lock.json;
#                        nothing is fetched after that
#   make sbom            one CycloneDX SBOM per image into $(SBOM_DIR), and
#                        the attack-surface table next to them
#   make scan            vulnerability counts per image from those SBOMs,
#                        where grype or trivy is installed (says so where
#                        neither is, and shows no number)
#   make attack-surface  $(SBOM_DIR)/attack-surface.csv and .json
#   make check-licenses  reuse lint of the repository (.reuse/dep5), and
#                        proof that the lint fails where it should
#   make check-sbom      tests/sbom/test-*.sh against the real images
#
# Variables: SBOM_DIR [$(BUILD)/sbom]; IMAGE_PREFIX SERVICES VARIANTS ENGINE
# as in mk/images.mk. The scripts do the work: scripts/sbom.sh OUTDIR
# IMAGE..., scripts/scan.sh SBOM_DIR, scripts/attack-surface.sh IMAGE....

SBOM_DIR ?= $(BUILD)/sbom
SBOM_TOOLS := tools/sbom
SBOM_STAMP := $(SBOM_TOOLS)/node_modules/.slimline-installed
SL_SBOM_IMAGES = $(foreach s,$(SERVICES),$(foreach v,$(VARIANTS),$(or $(IMAGE_PREFIX),slimline)/$(s):$(v)))
SL_SBOM_ENV = ENGINE='$(or $(ENGINE),docker)' IMAGE_PREFIX='$(or $(IMAGE_PREFIX),slimline)' \
  SERVICES='$(SERVICES)' VARIANTS='$(or $(VARIANTS),naive alpine scratch)' SL_BUILD_DIR='$(abspath $(BUILD))'

.PHONY: sbom-tools sbom scan attack-surface check-licenses check-sbom

# npm install (not npm ci): some optional packages that cdxgen's lock names
# for other platforms are not published, which npm ci refuses; with the
# lock file and --no-save the tree is exactly the locked one all the same.
$(SBOM_STAMP): $(SBOM_TOOLS)/package.json $(SBOM_TOOLS)/package-lock.json
	@bash scripts/deps.sh sbom
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null || \
	  { echo "sbom-tools: cdxgen needs Node.js 20 or later and npm (node --version: $$(node --version 2>&1))"; exit 1; }
	cd $(SBOM_TOOLS) && npm install --no-audit --no-fund --no-save --loglevel=error
	@touch $@

sbom-tools: $(SBOM_STAMP) ## install tools/sbom with npm from its lock file

sbom: sbom-tools ## one CycloneDX SBOM per image, and the attack-surface table
	$(Q)ENGINE='$(or $(ENGINE),docker)' scripts/sbom.sh $(SBOM_DIR) $(SL_SBOM_IMAGES)
	$(Q)ENGINE='$(or $(ENGINE),docker)' scripts/attack-surface.sh \
	  -o $(SBOM_DIR)/attack-surface.csv -o $(SBOM_DIR)/attack-surface.json $(SL_SBOM_IMAGES)

attack-surface: ## the attack-surface table of the images (CSV and JSON)
	@bash scripts/deps.sh sbom
	$(Q)mkdir -p $(SBOM_DIR)
	$(Q)ENGINE='$(or $(ENGINE),docker)' scripts/attack-surface.sh \
	  -o $(SBOM_DIR)/attack-surface.csv -o $(SBOM_DIR)/attack-surface.json $(SL_SBOM_IMAGES)
	@cat $(SBOM_DIR)/attack-surface.csv

scan: ## vulnerability counts per image from the SBOMs, where a scanner is installed
	@bash scripts/deps.sh sbom
	$(Q)scripts/scan.sh $(SBOM_DIR)

check-licenses: ## reuse lint of the repository, and proof the lint can fail
	@bash scripts/deps.sh sbom
	$(Q)bash tests/sbom/reuse-lint.sh

check-sbom: images sbom-tools ## the SBOM, scan and attack-surface tests against the real images (engine)
	@bash scripts/deps.sh sbom
	$(Q)$(SL_SBOM_ENV) bash tests/sbom/run.sh

CHECK_TARGETS += check-licenses check-sbom
