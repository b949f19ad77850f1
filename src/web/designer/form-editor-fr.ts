/**
 * form-js's editor in French. It has no translate service (its palette and properties panel texts are
 * constants), so the texts of its palette and properties panel are rewritten in the DOM as they render,
 * by exact match. The form being edited is never touched: the canvas (`.fjs-form`), panel headers (the
 * field's own label) and every input value are left out.
 */
const FR: Record<string, string> = {
  // palette
  "Components": "Composants", "Search components": "Rechercher un composant", "No components found.": "Aucun composant trouvé.",
  "Input": "Saisie", "Selection": "Sélection", "Presentation": "Présentation", "Containers": "Conteneurs", "Action": "Action",
  "Text field": "Champ texte", "Text area": "Zone de texte", "Number": "Nombre", "Date": "Date", "Datetime": "Date et heure",
  "Checkbox": "Case à cocher", "Checkbox group": "Cases à cocher", "Radio group": "Boutons radio", "Select": "Liste déroulante",
  "Tag list": "Liste d'étiquettes", "Text view": "Texte", "Text": "Texte", "Image view": "Image", "Table": "Tableau", "HTML view": "HTML",
  "Spacer": "Espacement", "Separator": "Séparateur", "Group": "Groupe", "Dynamic list": "Liste dynamique", "iFrame": "iFrame",
  "Button": "Bouton", "Expression": "Expression", "File picker": "Sélecteur de fichier", "Document preview": "Aperçu de document",
  "Filepicker": "Sélecteur de fichier", "Date time": "Date et heure",
  // properties panel groups and entries
  "General": "Général", "Validation": "Validation", "Appearance": "Apparence", "Layout": "Disposition", "Condition": "Condition",
  "Constraints": "Contraintes", "Custom properties": "Propriétés personnalisées", "Serialization": "Sérialisation",
  "Options source": "Source des options", "Static options": "Options fixes", "Dynamic options": "Options dynamiques",
  "Options expression": "Expression des options", "Input values key": "Clé des valeurs d'entrée", "Data source": "Source des données",
  "Label": "Libellé", "Key": "Clé", "Field description": "Description du champ", "Default value": "Valeur par défaut",
  "Disabled": "Désactivé", "Read only": "Lecture seule", "Required": "Obligatoire", "Minimum length": "Longueur minimale",
  "Maximum length": "Longueur maximale", "Minimum": "Minimum", "Maximum": "Maximum", "Validation pattern": "Motif de validation",
  "Custom regular expression": "Expression régulière", "Custom error message": "Message d'erreur personnalisé", "Email": "E-mail",
  "Phone": "Téléphone", "Custom": "Personnalisé", "Prefix": "Préfixe", "Suffix": "Suffixe", "Decimal digits": "Décimales",
  "Increment": "Pas", "Output as string": "Sortie en texte", "Columns": "Colonnes", "Auto": "Auto", "Subtype": "Sous-type",
  "Date label": "Libellé de la date", "Time label": "Libellé de l'heure", "Use 24h": "Format 24 h", "Time format": "Format de l'heure",
  "Time interval": "Intervalle", "Disallow past dates": "Interdire les dates passées", "Searchable": "Recherche possible",
  "Hide if": "Masquer si", "Deactivate if": "Désactiver si", "Value": "Valeur", "Content": "Contenu", "Height": "Hauteur",
  "Alternative text": "Texte alternatif", "Image source": "Source de l'image", "URL": "URL", "Type": "Type", "Submit": "Envoyer",
  "Reset": "Réinitialiser", "Checked": "Coché", "Not checked": "Non coché", "Compute on": "Calculer", "Value changes": "Au changement",
  "Form submission": "À l'envoi", "Path": "Chemin", "Show outline": "Afficher le contour", "Vertical alignment": "Alignement vertical",
  "Top": "Haut", "Center": "Centre", "Bottom": "Bas", "Pagination": "Pagination", "Number of rows per page": "Lignes par page",
  "Headers source": "Source des en-têtes", "Header items": "En-têtes", "List of items": "Liste d'éléments",
  "Allow add/delete items": "Ajout / suppression d'éléments", "Default number of items": "Nombre d'éléments par défaut",
  "Disable collapse": "Toujours déplié", "Number of non-collapsing items": "Éléments toujours visibles",
  "Supported file formats": "Formats de fichier acceptés", "Upload multiple files": "Plusieurs fichiers",
  "Document reference": "Référence du document", "Max height of preview container": "Hauteur maximale de l'aperçu",
  "Security attributes": "Attributs de sécurité", "Version tag": "Étiquette de version", "ID": "ID", "Documentation": "Documentation",
  "Select a form field to edit its properties.": "Sélectionnez un champ pour modifier ses propriétés.",
  "Learn more": "En savoir plus", "Form": "Formulaire", "Target value": "Valeur cible", "Text view documentation": "Documentation du texte",
};

/** The user's texts: the form on the canvas, the selected field's label, editors (their values are never text nodes). */
const SKIP = ".fjs-form, .bio-properties-panel-header-label, textarea, [contenteditable], .cm-editor";
const ATTRIBUTES = ["placeholder", "title", "aria-label"] as const;

function translateTree(root: Node): void {
  if (root instanceof Element ? root.closest(SKIP) : root.parentElement?.closest(SKIP)) return;
  if (root.nodeType === Node.TEXT_NODE) {
    const text = root.textContent ?? "";
    const fr = FR[text.trim()];
    if (fr && fr !== text.trim()) root.textContent = text.replace(text.trim(), fr);
    return;
  }
  if (!(root instanceof Element)) return;
  for (const name of ATTRIBUTES) {
    const value = root.getAttribute(name);
    const fr = value ? FR[value] : undefined;
    if (fr && fr !== value) root.setAttribute(name, fr);
  }
  for (const child of Array.from(root.childNodes)) translateTree(child);
}

/** Keeps the editor's own texts in French under these containers; returns a function that stops it. */
export function frenchFormEditor(...containers: HTMLElement[]): () => void {
  const observers = containers.map((container) => {
    translateTree(container);
    const observer = new MutationObserver((mutations) => {
      for (const m of mutations) {
        if (m.type === "characterData") translateTree(m.target);
        else if (m.type === "attributes") translateTree(m.target);
        else for (const node of Array.from(m.addedNodes)) translateTree(node);
      }
    });
    observer.observe(container, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: [...ATTRIBUTES] });
    return observer;
  });
  return () => observers.forEach((o) => o.disconnect());
}
