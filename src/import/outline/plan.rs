//! One plan's outline: its chapters, what each chapter's numbered items are, and the goals,
//! measures, targets and figures they hold.

use super::lines::*;
use crate::domain::GoalKind;
use crate::import::dataset::{
    Baseline, DocumentValue, DomainData, Figure, GoalData, GoalDepartmentData, GoalGroupData,
    Inferred, PlanData, Source, Target, TargetData,
};
use crate::import::departments::Entry;
use crate::import::text::Line;
use crate::import::{table, tags, targets, ImportError};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum ChapterRole {
    /// 发展领域: domains whose 主要目标 / 策略措施 hold goals and measures.
    Domains,
    /// 主要任务 / 重点任务 / 重点项目: domains whose numbered points are tasks or projects.
    Sections(GoalKind),
    /// A chapter or section of plan-level goals.
    Goals,
    /// 总体目标.
    Overall,
    /// 规划背景: what was achieved; its figures are the measures' past values.
    Background,
    Other,
}

pub(super) fn chapter_role(title: &str) -> ChapterRole {
    if title.contains("发展领域") {
        ChapterRole::Domains
    } else if title.contains("主要任务") || title.contains("重点任务") {
        ChapterRole::Sections(GoalKind::Task)
    } else if title.contains("重点项目") {
        ChapterRole::Sections(GoalKind::Project)
    } else if title.contains("主要目标") || title.contains("具体目标") {
        ChapterRole::Goals
    } else if title.contains("总体目标") {
        ChapterRole::Overall
    } else if title.contains("规划背景") || title.contains("发展基础") {
        ChapterRole::Background
    } else {
        ChapterRole::Other
    }
}

pub(super) struct PlanParser<'a> {
    lines: &'a [Line],
    plan: PlanData,
    chapter: (ChapterRole, String),
    /// Role of the current （一） section inside an Other chapter.
    section: ChapterRole,
    /// Within a 发展领域 domain: goal under 主要目标, measure under 策略措施.
    sub_kind: Option<GoalKind>,
    domain: Option<usize>,
    /// The open 专栏 box, if any.
    open_box: Option<usize>,
    last_goal: Option<usize>,
    /// Lines of the 规划背景 chapter.
    background: Vec<&'a Line>,
}

impl<'a> PlanParser<'a> {
    pub(super) fn new(
        code: &str,
        title: String,
        notice_title: Option<String>,
        lines: &'a [Line],
    ) -> Result<Self, ImportError> {
        let heading = &lines[0];
        let period = period(&title, lines).ok_or_else(|| {
            ImportError::at(
                heading.no,
                format!("{title}: no plan period (十四五 or 规划期为YYYY-YYYY年) found"),
            )
        })?;
        Ok(PlanParser {
            lines,
            plan: PlanData {
                code: code.to_string(),
                title,
                notice_title,
                period,
                overall_goal: None,
                source: source(heading),
                domains: Vec::new(),
                goals: Vec::new(),
                targets: Vec::new(),
                figures: Vec::new(),
                monitored: Vec::new(),
            },
            chapter: (ChapterRole::Other, String::new()),
            section: ChapterRole::Other,
            sub_kind: None,
            domain: None,
            open_box: None,
            last_goal: None,
            background: Vec::new(),
        })
    }

    pub(super) fn run(&mut self) -> Result<(), ImportError> {
        let mut i = 1;
        let lines = self.lines;
        while i < lines.len() {
            let line = &lines[i];
            let text = line.trimmed();
            if text.is_empty() {
                self.open_box = None;
            } else if table::heading(text).is_some() {
                let table = table::parse(self.lines, i)?;
                self.add_table(&table);
                i = table.end;
                continue;
            } else if let Some((number, title)) = box_heading(text) {
                let kind = GoalKind::ProjectBox;
                let goal = self.new_goal(
                    kind,
                    Some(number.to_string()),
                    title.to_string(),
                    None,
                    line,
                )?;
                self.open_box = Some(goal);
            } else if let Some(goal) = self.open_box {
                let g = &mut self.plan.goals[goal];
                g.text.push('\n');
                g.text.push_str(text);
                g.source.line_end = line.no;
                g.source.text.push('\n');
                g.source.text.push_str(&line.text);
            } else {
                self.line(line)?;
            }
            self.plan.source.line_end = line.no;
            i += 1;
        }
        Ok(())
    }

    fn line(&mut self, line: &'a Line) -> Result<(), ImportError> {
        let text = line.trimmed();
        if self.chapter.0 == ChapterRole::Background
            && !matches!(numbered(text), Some(Numbered::Chapter(..)))
        {
            self.background.push(line);
        }
        match numbered(text) {
            Some(Numbered::Chapter(_, title)) if !is_paragraph(title) => {
                self.chapter = (chapter_role(title), title.to_string());
                self.section = ChapterRole::Other;
                self.domain = None;
                self.sub_kind = None;
                self.last_goal = None;
            }
            Some(Numbered::Section(number, title)) if !is_paragraph(title) => {
                self.sub_kind = None;
                self.last_goal = None;
                match self.chapter.0 {
                    ChapterRole::Domains | ChapterRole::Sections(_) => {
                        self.new_domain(number, title, line)
                    }
                    _ => {
                        self.section = chapter_role(title);
                        self.domain = None;
                    }
                }
            }
            Some(Numbered::Point(_, title))
                if !is_paragraph(title) && self.chapter.0 == ChapterRole::Domains =>
            {
                self.sub_kind = if title.contains("主要目标") {
                    Some(GoalKind::Goal)
                } else if title.contains("策略措施") {
                    Some(GoalKind::Measure)
                } else {
                    None
                };
            }
            Some(Numbered::Section(number, body)) => self.item(number, body, false, line)?,
            Some(Numbered::Point(number, body)) => self.item(number, body, true, line)?,
            Some(Numbered::Item(number, body)) => self.item(number, body, true, line)?,
            Some(Numbered::Chapter(..)) | None => self.paragraph(line)?,
        }
        Ok(())
    }

    /// What a numbered paragraph is, from where it stands.
    fn item(
        &mut self,
        number: &str,
        body: &str,
        arabic: bool,
        line: &Line,
    ) -> Result<(), ImportError> {
        let tagged = tags::split(body);
        let kind = match (self.chapter.0, self.section) {
            (ChapterRole::Domains, _) if arabic && self.domain.is_some() => self.sub_kind,
            (ChapterRole::Sections(kind), _) if arabic && self.domain.is_some() => Some(kind),
            (ChapterRole::Goals, _) | (_, ChapterRole::Goals) if arabic => Some(GoalKind::Goal),
            _ if tagged.tag.is_some() => Some(GoalKind::Implementation),
            _ => None,
        };
        if let Some(kind) = kind {
            let goal = self.new_goal(
                kind,
                Some(number.to_string()),
                tagged.body,
                tagged.tag,
                line,
            )?;
            self.attach_tag(goal, tagged.entries);
            self.last_goal = Some(goal);
        }
        Ok(())
    }

    /// An unnumbered paragraph: the overall goal, a section's only statement, or prose.
    fn paragraph(&mut self, line: &Line) -> Result<(), ImportError> {
        let text = line.trimmed();
        let in_overall =
            self.chapter.0 == ChapterRole::Overall || self.section == ChapterRole::Overall;
        if in_overall {
            let overall = self.plan.overall_goal.get_or_insert_with(String::new);
            if !overall.is_empty() {
                overall.push('\n');
            }
            overall.push_str(text);
            return Ok(());
        }
        // A section whose whole content is one unnumbered statement (防震减灾 （四）, 主要目标).
        let unnumbered_kind = match self.chapter.0 {
            ChapterRole::Sections(kind) if self.domain.is_some() => Some(kind),
            ChapterRole::Goals => Some(GoalKind::Goal),
            _ => None,
        };
        if let (Some(kind), None) = (unnumbered_kind, self.last_goal) {
            let tagged = tags::split(text);
            let goal = self.new_goal(kind, None, tagged.body, tagged.tag, line)?;
            self.attach_tag(goal, tagged.entries);
            self.last_goal = Some(goal);
        }
        Ok(())
    }

    fn new_domain(&mut self, number: &str, title: &str, line: &Line) {
        let ordinal = self.plan.domains.len() + 1;
        self.plan.domains.push(DomainData {
            key: format!("{}/d{ordinal}", self.plan.code),
            number: format!("（{number}）"),
            title: title.to_string(),
            chapter: self.chapter.1.clone(),
            source: source(line),
        });
        self.domain = Some(ordinal - 1);
    }

    fn new_goal(
        &mut self,
        kind: GoalKind,
        number: Option<String>,
        text: String,
        tag: Option<String>,
        line: &Line,
    ) -> Result<usize, ImportError> {
        let scope = self
            .domain
            .map_or_else(|| "plan".to_string(), |d| format!("d{}", d + 1));
        let label = number.clone().unwrap_or_else(|| {
            let unnumbered = self
                .plan
                .goals
                .iter()
                .filter(|g| g.domain == self.domain && g.kind == kind && g.number.is_none())
                .count();
            format!("u{}", unnumbered + 1)
        });
        let key = format!("{}/{scope}/{}/{label}", self.plan.code, kind.as_str());
        if self.plan.goals.iter().any(|g| g.key == key) {
            return Err(ImportError::at(
                line.no,
                format!("item {label} is numbered twice in its section ({key})"),
            ));
        }
        self.plan.goals.push(GoalData {
            key,
            domain: self.domain,
            kind,
            number,
            text,
            tag,
            departments: Vec::new(),
            groups: Vec::new(),
            source: source(line),
        });
        Ok(self.plan.goals.len() - 1)
    }

    fn attach_tag(&mut self, goal: usize, entries: Vec<(crate::domain::Role, Entry)>) {
        let g = &mut self.plan.goals[goal];
        for (n, (role, entry)) in entries.into_iter().enumerate() {
            match entry {
                Entry::Department { name, raw } => {
                    // A department named twice under one role counts once.
                    if !g
                        .departments
                        .iter()
                        .any(|d| d.department == name && d.role == role)
                    {
                        g.departments.push(GoalDepartmentData {
                            department: name,
                            role,
                            ordinal: n + 1,
                            raw,
                        });
                    }
                }
                Entry::Group { phrase } => g.groups.push(GoalGroupData {
                    role,
                    ordinal: n + 1,
                    phrase,
                }),
            }
        }
    }

    fn add_table(&mut self, table: &table::Table) {
        for row in &table.rows {
            let source = Source {
                line_start: row.line_start,
                line_end: row.line_end,
                text: row.source_text.clone(),
            };
            let baseline =
                (row.baseline.raw != "-" && !row.baseline.raw.is_empty()).then(|| Baseline {
                    year: row.baseline_year,
                    value: row.baseline.value,
                    raw: Some(row.baseline.raw.clone()),
                });
            if let Some(value) = row.baseline.value {
                self.plan.figures.push(Figure {
                    name: row.name.clone(),
                    target: Some(self.plan.targets.len()),
                    value: DocumentValue {
                        year: row.baseline_year,
                        value,
                        year_inferred: false,
                        raw: row.baseline.raw.clone(),
                        source: source.clone(),
                    },
                });
            }
            self.plan.targets.push(TargetData {
                key: format!("{}/table{}/{}", self.plan.code, table.number, row.number),
                indicator: usize::MAX,
                domain: None,
                goal: None,
                name: row.name.clone(),
                // 力争每年降低1个百分点 in a row of %: the target is counted in points.
                unit: row.target.unit.clone().or_else(|| row.unit.clone()),
                direction: row.direction(),
                nature: row.nature,
                nature_raw: row.nature_raw.clone(),
                table_category: Some(row.category.clone()),
                table_number: Some(row.number),
                baseline,
                target: Target {
                    year: row.target_year,
                    comparator: row.target_comparator(),
                    value: row.target.value,
                    basis: row.target.basis,
                    raw: row.target.raw.clone(),
                },
                inferred: Inferred {
                    comparator: row.target.value.is_some() && row.target.comparator.is_none(),
                    direction: row.direction_inferred(),
                    year: false,
                },
                source,
            });
        }
    }

    /// Targets in the items' sentences, and the figures the plan gives for past years.
    pub(super) fn finish(mut self) -> Result<PlanData, ImportError> {
        if self.plan.domains.is_empty() || self.plan.goals.is_empty() {
            return Err(ImportError::at(
                self.plan.source.line_end,
                format!(
                    "the document is truncated: {} has no domains or goals",
                    self.plan.title
                ),
            ));
        }
        let from_goals = super::goal_targets::of_goals(&self.plan);
        // Keep document order: sentence targets and table rows by their first line; a table
        // row's figure follows its target.
        let mut all: Vec<(TargetData, Option<usize>)> = self
            .plan
            .targets
            .drain(..)
            .enumerate()
            .map(|(i, t)| (t, Some(i)))
            .chain(from_goals.into_iter().map(|t| (t, None)))
            .collect();
        all.sort_by_key(|(t, _)| t.source.line_start);
        let moved: Vec<Option<usize>> = all.iter().map(|(_, was)| *was).collect();
        self.plan.targets = all.into_iter().map(|(t, _)| t).collect();
        for figure in &mut self.plan.figures {
            figure.target = figure
                .target
                .and_then(|old| moved.iter().position(|m| *m == Some(old)));
        }
        self.add_stated_figures();
        Ok(self.plan)
    }

    /// The figures the plan's text states: changes anywhere in it (from one year's value to
    /// another's), and the values its background chapter reports (of the year before the
    /// period when no year is said).
    fn add_stated_figures(&mut self) {
        let base_year = self.plan.period.0 - 1;
        for line in self.lines {
            for change in targets::stated_changes(line.trimmed()) {
                for (year, value, raw) in [change.from, change.to] {
                    self.plan.figures.push(Figure {
                        name: change.subject.clone(),
                        target: None,
                        value: DocumentValue {
                            year,
                            value,
                            year_inferred: false,
                            raw,
                            source: source(line),
                        },
                    });
                }
            }
        }
        for line in &self.background {
            for stated in targets::stated_values(line.trimmed()) {
                self.plan.figures.push(Figure {
                    name: stated.name,
                    target: None,
                    value: DocumentValue {
                        year: stated.year.unwrap_or(base_year),
                        value: stated.value,
                        year_inferred: stated.year.is_none(),
                        raw: stated.raw,
                        source: source(line),
                    },
                });
            }
        }
    }
}

/// 十四五 plans run 2021–2025; a plan may also state 规划期为2021-2025年.
pub(super) fn period(title: &str, lines: &[Line]) -> Option<(i32, i32)> {
    for line in lines {
        if let Some(at) = line.text.find("规划期为") {
            let rest = &line.text[at + "规划期为".len()..];
            let (from, to) = rest.split_once(['-', '—', '至'])?;
            let to = to.get(..4)?;
            return Some((from.get(..4)?.parse().ok()?, to.parse().ok()?));
        }
    }
    (title.contains("十四五") || title.contains("第十四个五年")).then_some((2021, 2025))
}
