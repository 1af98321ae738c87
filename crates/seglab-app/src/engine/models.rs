//! The engine's models: the health score, RFM and clusters, whose outputs become population columns so
//! that bands, groups and clusters are ordinary segments, and discovery of rule segments.

use super::{Engine, format_time};
use crate::protocol::{
    ClusterView, ClusteringView, DiscoveryView, ModelChoices, ModelGroupView, ModelSettings,
    ModelsView, RfmGroupView, RfmView, RuleView, ScoreView,
};
use seglab_core::models::{
    self, ClusterOptions, DiscoverOptions, ModelError, Outcome, RfmOptions, RfmSource,
    SCORE_COLUMN, ScoreDefinition, Target,
};
use seglab_core::table::{Column, ColumnData, ColumnType};
use seglab_core::{Bitset, Dataset};

/// The population columns RFM adds.
pub const RFM_COLUMNS: [&str; 3] = ["rfm_r", "rfm_f", "rfm_m"];
/// The population column clustering adds: the cluster number, 1 to k.
pub const CLUSTER_COLUMN: &str = "cluster";

/// How far a long computation has come: the task (`"discovery"`, `"clustering"`) and the share done;
/// returns false to stop it.
pub type Progress<'a> = dyn FnMut(&str, f64) -> bool + 'a;

/// The model settings the page sent, and what was computed for them.
#[derive(Default)]
pub(super) struct ModelState {
    settings: ModelSettings,
    outcome: Option<String>,
    /// The settings `view` was computed for; `None` once the dataset changed.
    computed: Option<(ModelSettings, Option<String>)>,
    view: ModelsView,
}

impl Engine {
    /// Takes new model settings, recomputes the models whose settings changed, and answers with them.
    pub(super) fn set_models(
        &mut self,
        settings: ModelSettings,
        outcome: Option<String>,
        progress: &mut Progress<'_>,
    ) -> ModelsView {
        self.models.settings = settings;
        self.models.outcome = outcome;
        self.refresh_models(progress);
        self.models.view.choices = self.choices();
        self.models.view.clone()
    }

    /// The columns, measures, properties and events the models can use; model outputs are left out.
    fn choices(&self) -> ModelChoices {
        let mut choices = ModelChoices::default();
        let outputs: Vec<&str> = [SCORE_COLUMN, CLUSTER_COLUMN]
            .into_iter()
            .chain(RFM_COLUMNS)
            .collect();
        for column in self.dataset.population.columns() {
            let name = column.name().to_owned();
            if outputs.contains(&name.as_str()) || column.valid().count() == 0 {
                continue;
            }
            match column.ty() {
                // Dates rank too: an earlier signup or a later last visit.
                ColumnType::Integer
                | ColumnType::Decimal
                | ColumnType::Date
                | ColumnType::DateTime => {
                    choices.numeric.push(name);
                }
                ColumnType::Boolean => {
                    choices.outcomes.push(name.clone());
                    choices.categorical.push(name);
                }
                ColumnType::Category => choices.categorical.push(name),
                ColumnType::Text | ColumnType::Id => {}
            }
        }
        if let Some(log) = &self.dataset.events {
            for property in &log.properties {
                if property.ty().is_numeric() {
                    choices.values.push(property.name().to_owned());
                }
            }
            let mut counts = vec![0usize; log.names.len()];
            for &code in &log.events {
                if let Some(count) = counts.get_mut(code as usize) {
                    *count += 1;
                }
            }
            let mut order: Vec<usize> = (0..log.names.len()).collect();
            seglab_core::sorting::sort_by(&mut order, |&a, &b| {
                counts[b].cmp(&counts[a]).then(a.cmp(&b))
            });
            choices.events = order.into_iter().map(|i| log.names[i].clone()).collect();
        }
        for linked in &self.dataset.linked {
            if linked.times.is_none() {
                continue;
            }
            for column in &linked.columns {
                if column.ty().is_numeric() {
                    choices
                        .values
                        .push(format!("{}.{}", linked.name, column.name()));
                }
            }
        }
        choices
    }

    /// The dataset changed: every model is computed again on it.
    pub(super) fn recompute_models(&mut self) {
        self.models.computed = None;
        self.refresh_models(&mut |_, _| true);
    }

    fn refresh_models(&mut self, progress: &mut Progress<'_>) {
        let settings = self.models.settings.clone();
        let outcome = self.models.outcome.clone();
        let previous = self.models.computed.take();
        let fresh = previous.is_none();
        let (old, old_outcome) = previous.unwrap_or_default();
        if self.dataset.users() == 0 {
            self.models.view = ModelsView::default();
            return;
        }
        if fresh || old.score != settings.score || old_outcome != outcome {
            self.dataset.population.remove_column(SCORE_COLUMN);
            self.models.view.score = settings
                .score
                .as_deref()
                .map(|text| self.compute_score(text, outcome.as_deref()));
        }
        if fresh || old.rfm != settings.rfm {
            for name in RFM_COLUMNS {
                self.dataset.population.remove_column(name);
            }
            self.models.view.rfm = settings.rfm.as_ref().map(|setting| {
                self.compute_rfm(&RfmOptions {
                    value: setting.value.clone(),
                    event: setting.event.clone(),
                })
            });
        }
        if fresh || old.cluster != settings.cluster {
            self.dataset.population.remove_column(CLUSTER_COLUMN);
            self.models.view.cluster = if settings.cluster.is_empty() {
                None
            } else {
                Some(self.compute_clusters(&settings.cluster, progress))
            };
        }
        self.models.computed = Some((settings, outcome));
    }

    fn compute_score(&mut self, text: &str, outcome: Option<&str>) -> Result<ScoreView, String> {
        let definition: ScoreDefinition = text.parse().map_err(|e: ModelError| e.to_string())?;
        let outcome = outcome.map(|column| Outcome {
            column: column.to_owned(),
            threshold: None,
        });
        let (result, backtest_error) =
            match models::score(&self.dataset, &definition, outcome.as_ref()) {
                Ok(result) => (result, None),
                // The score stands without its back-test; the page says why there is none.
                Err(error) if outcome.is_some() => {
                    let result = models::score(&self.dataset, &definition, None)
                        .map_err(|e| e.to_string())?;
                    (result, Some(error.to_string()))
                }
                Err(error) => return Err(error.to_string()),
            };
        let mut histogram = vec![0; 10];
        for &s in &result.scores {
            if s.is_finite() {
                // Truncation is the binning: 0–10 is the first tenth, and 100 belongs to the last.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let bin = ((s / 10.0).floor().max(0.0) as usize).min(9);
                histogram[bin] += 1;
            }
        }
        set_column(&mut self.dataset, result.to_column());
        Ok(ScoreView {
            definition: definition.to_string(),
            measures: result.measures,
            bands: result
                .bands
                .iter()
                .map(|b| ModelGroupView {
                    name: b.name.clone(),
                    definition: b.definition.clone(),
                    size: b.size,
                })
                .collect(),
            histogram,
            backtest: result.backtest,
            backtest_error,
        })
    }

    fn compute_rfm(&mut self, options: &RfmOptions) -> Result<RfmView, String> {
        let result = models::rfm(&self.dataset, options).map_err(|e| e.to_string())?;
        for column in result.to_columns() {
            set_column(&mut self.dataset, column);
        }
        let source = match (&result.source, &options.event) {
            (RfmSource::Linked { file }, _) => format!("rows of {file}, value {}", options.value),
            (RfmSource::Events, Some(event)) => {
                format!("{event} events, value {}", options.value)
            }
            (RfmSource::Events, None) => format!("all events, value {}", options.value),
        };
        Ok(RfmView {
            source,
            as_of: format_time(result.as_of),
            scored: result.scored,
            unscored: result.unscored,
            groups: result
                .groups
                .iter()
                .map(|g| RfmGroupView {
                    group: ModelGroupView {
                        name: g.name.clone(),
                        definition: g.definition.clone(),
                        size: g.size,
                    },
                    recency: g.rule.recency,
                    frequency: g.rule.frequency,
                })
                .collect(),
        })
    }

    fn compute_clusters(
        &mut self,
        columns: &[String],
        progress: &mut Progress<'_>,
    ) -> Result<ClusteringView, String> {
        let options = ClusterOptions {
            columns: columns.to_vec(),
            ..ClusterOptions::default()
        };
        let clustering = models::cluster(&self.dataset, &options, &mut |done| {
            progress("clustering", done)
        })
        .map_err(|e| e.to_string())?;
        let users = self.dataset.users();
        let mut number = vec![0i64; users];
        let mut valid = Bitset::new(users);
        for (i, cluster) in clustering.clusters.iter().enumerate() {
            for row in cluster.members.iter() {
                number[row] = i as i64 + 1;
                valid.set(row, true);
            }
        }
        set_column(
            &mut self.dataset,
            Column::new(
                CLUSTER_COLUMN,
                ColumnType::Integer,
                ColumnData::Integer(number),
                valid,
            ),
        );
        Ok(ClusteringView {
            columns: columns.to_vec(),
            k: clustering.k,
            choices: clustering
                .choices
                .iter()
                .map(|c| (c.k, c.silhouette))
                .collect(),
            sample_size: clustering.sample_size,
            clusters: clustering
                .clusters
                .iter()
                .enumerate()
                .map(|(i, c)| ClusterView {
                    group: ModelGroupView {
                        name: c.name.clone(),
                        definition: format!("{CLUSTER_COLUMN} = {}", i + 1),
                        size: c.size,
                    },
                    prototype: c.prototype.clone(),
                    distinguishing: c
                        .distinguishing
                        .iter()
                        .map(|f| f.sentence.clone())
                        .collect(),
                })
                .collect(),
        })
    }

    /// Rule segments for a yes/no (or numeric) target, with progress.
    pub(super) fn discover(
        &self,
        target: String,
        progress: &mut Progress<'_>,
    ) -> Result<DiscoveryView, String> {
        let target = Target {
            column: target,
            threshold: None,
        };
        // Model outputs are not explanations of anything: a rule over `health_score` would not be
        // readable on another copy of the files without the model, so discovery looks past them.
        let exclude = [SCORE_COLUMN, CLUSTER_COLUMN]
            .into_iter()
            .chain(RFM_COLUMNS)
            .map(str::to_owned)
            .collect();
        let options = DiscoverOptions {
            exclude,
            ..DiscoverOptions::default()
        };
        models::discover(&self.dataset, &target, &options, &mut |done| {
            progress("discovery", done)
        })
        .map(|d| DiscoveryView {
            target: d.target,
            overall_rate: d.overall_rate,
            known: d.known,
            rules: d
                .rules
                .into_iter()
                .map(|r| RuleView {
                    definition: r.definition,
                    size: r.size,
                    rate: r.rate,
                    ci: r.ci,
                    lift: r.lift,
                    notable: r.notable,
                })
                .collect(),
            notes: d.notes,
        })
        .map_err(|e| e.to_string())
    }
}

/// Whether a segment definition reads a model output, which no warehouse table has.
pub fn uses_model_column(definition: &str) -> Option<&'static str> {
    [SCORE_COLUMN, CLUSTER_COLUMN]
        .into_iter()
        .chain(RFM_COLUMNS)
        .find(|name| {
            definition
                .match_indices(name)
                .any(|(at, _)| is_word_at(definition, at, name.len()))
        })
}

fn is_word_at(text: &str, at: usize, len: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text[..at].chars().next_back().is_none_or(|c| !word(c));
    let after = text[at + len..].chars().next().is_none_or(|c| !word(c));
    before && after
}

/// Puts `column` into the population, replacing a column of the same name.
fn set_column(dataset: &mut Dataset, column: Column) {
    let result = match dataset.population.column_index(column.name()) {
        Some(index) => dataset.population.replace_column(index, column),
        None => dataset.population.push_column(column),
    };
    // Model outputs have one value per user, so the lengths always match.
    debug_assert!(result.is_ok());
}
