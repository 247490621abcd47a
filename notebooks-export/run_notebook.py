"""Execute a notebook headless (nbclient); any cell error fails with its
traceback, and so does drawing fewer figures than asked for. Used by
.ci/run on the exported demo notebook.

    python notebooks-export/run_notebook.py notebooks-export/demo.ipynb [MIN_FIGURES] [SAVE_DIR]
"""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main(path: str, min_figures: int = 0, save_dir: str = "") -> None:
    notebook_path = Path(path)
    notebook = nbformat.read(notebook_path, as_version=4)
    nbformat.validate(notebook)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(notebook_path.parent)}},
    )
    client.execute()
    cells = sum(1 for cell in notebook.cells if cell.cell_type == "code")
    figures = sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )
    print(f"{notebook_path}: {cells} code cells ran, {figures} figures")
    if figures < min_figures:
        sys.exit(f"{notebook_path}: expected at least {min_figures} figures, got {figures}")
    if save_dir:
        # The figures as PNG files, for people to look at.
        import base64

        out = Path(save_dir)
        out.mkdir(parents=True, exist_ok=True)
        n = 0
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                png = output.get("data", {}).get("image/png")
                if png:
                    n += 1
                    (out / f"figure-{n}.png").write_bytes(base64.b64decode(png))


if __name__ == "__main__":
    main(
        sys.argv[1],
        int(sys.argv[2]) if len(sys.argv) > 2 else 0,
        sys.argv[3] if len(sys.argv) > 3 else "",
    )
