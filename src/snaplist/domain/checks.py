"""`check_data`: is a taxonomy directory complete, and can every prompt be filled from it?"""

from dataclasses import dataclass, field
from pathlib import Path

from snaplist.domain.models import ProductType
from snaplist.domain.prompts import PLACEHOLDER, render_templates, template_names
from snaplist.domain.taxonomy import Taxonomy, read_taxonomy


@dataclass
class CheckReport:
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_data(taxonomy_dir: Path, prompts_dir: Path) -> CheckReport:
    report = CheckReport()

    taxonomy, problems = read_taxonomy(taxonomy_dir)
    report.problems.extend(f"taxonomy: {problem}" for problem in problems)
    if taxonomy is not None:
        report.checked.extend(_taxonomy_summary(taxonomy_dir, taxonomy))

    for name in template_names().values():
        path = prompts_dir / name
        if path.is_file():
            placeholders = sorted(set(PLACEHOLDER.findall(path.read_text(encoding="utf-8"))))
            report.checked.append(f"prompt {path}: {', '.join(placeholders) or 'no placeholders'}")

    if taxonomy is None:
        report.problems.append("prompts: not rendered, the taxonomy did not load")
        return report
    rendered, problems = render_templates(prompts_dir, taxonomy)
    report.problems.extend(f"prompts: {problem}" for problem in problems)
    if not problems:
        sizes = ", ".join(f"{t.value} {len(rendered[t])}" for t in ProductType)
        report.checked.append(f"rendered extraction prompts (characters): {sizes}")
    return report


def _taxonomy_summary(directory: Path, taxonomy: Taxonomy) -> list[str]:
    lines = [f"taxonomy directory {directory}"]
    for name in ("categories", *sorted(taxonomy.vocabularies), "tags"):
        slugs = {term.slug for t in ProductType for term in taxonomy.terms(name, t)}
        lines.append(f"taxonomy {name}: {len(slugs)} values")
    makers = sum(len(names) for names in taxonomy.makers.values())
    lines.append(f"taxonomy makers: {makers} known names")
    return lines
