.PHONY: run test lint ci screenshots
run:  ## set up and serve the demo at http://127.0.0.1:8000
	bash scripts/run.sh
test:  ## install test tools and run the whole suite
	bash scripts/test.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
ci:
	bash .ci/run
screenshots:  ## regenerate docs/screenshots/*.png from the demo data (needs /usr/bin/chromium)
	bash -c 'source scripts/venv.sh && ensure_venv test' && .venv/bin/python scripts/screenshots.py
