/** Reference data of the demo commune: Epagny Metz-Tessy (74370) and its neighbours, common French names. */

export const COMMUNE = { ville: 'Epagny Metz-Tessy', codePostal: '74370' } as const;

export const SCHOOLS = [
  { name: 'École des Prés-Roses', address: '120 rue des Prés-Roses, 74370 Epagny Metz-Tessy' },
  { name: 'École du Parc', address: '8 avenue du Parc, 74370 Epagny Metz-Tessy' },
] as const;

export const STREETS = [
  'rue des Prés-Roses', 'avenue du Parc', 'route de Sillingy', 'chemin des Mouilles', 'rue du Château',
  'allée des Érables', 'route de Metz', 'rue de la Grenette', 'chemin de la Tuilière', 'impasse des Vergers',
  'rue des Tilleuls', 'route des Creuses', 'chemin de Ronzy', 'allée des Saules', 'rue du Verger',
  'chemin des Champs', 'route de Poisy', 'rue de la Fruitière', 'allée des Bouleaux', 'chemin de la Prairie',
  'rue du Mont-Blanc', 'place de la Mairie', 'rue des Écoles', 'chemin du Salève', 'allée des Cerisiers',
] as const;

/** Neighbouring towns, for non-resident families and for the other address of separated parents. */
export const NEIGHBOURS = [
  { ville: 'Annecy', codePostal: '74000' },
  { ville: 'Annecy', codePostal: '74960' },
  { ville: 'Poisy', codePostal: '74330' },
  { ville: 'Sillingy', codePostal: '74330' },
  { ville: 'La Balme-de-Sillingy', codePostal: '74330' },
  { ville: 'Argonay', codePostal: '74370' },
  { ville: 'Chavanod', codePostal: '74650' },
  { ville: 'Lovagny', codePostal: '74330' },
  { ville: 'Nonglard', codePostal: '74330' },
  { ville: 'Cran-Gevrier', codePostal: '74960' },
] as const;

export const OTHER_STREETS = [
  'rue Sommeiller', 'avenue de Genève', 'rue Carnot', 'chemin des Fins', 'route de Frangy', 'rue de la Paix',
  'avenue de Chevêne', 'rue des Alpes', 'chemin de la Combe', 'route des Bois', 'rue du Lac', 'impasse du Moulin',
] as const;

export const SURNAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon',
  'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard',
  'André', 'Lefèvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier',
  'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu',
  'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Sanchez', 'Gérard',
  'Nguyen', 'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier', 'Roger', 'Roche', 'Roy', 'Noël', 'Meyer',
  'Lucas', 'Meunier', 'Jean', 'Perez', 'Marchand', 'Dufour', 'Blanchard', 'Marie', 'Barbier', 'Brun', 'Dumas',
  'Brunet', 'Schmitt', 'Leroux', 'Colin', 'Fernandez', 'Pierre', 'Renard', 'Arnaud', 'Rolland', 'Caron', 'Aubert',
  'Giraud', 'Leclerc', 'Vidal', 'Bourgeois', 'Renaud', 'Lemoine', 'Picard', 'Gaillard', 'Philippe', 'Leclercq',
  'Lacroix', 'Fabre', 'Dupuis', 'Olivier', 'Rodriguez', 'Da Silva', 'Hubert', 'Louis', 'Charles', 'Guillot',
  'Rivière', 'Le Gall', 'Guillaume', 'Adam', 'Rey', 'Moulin', 'Gonzalez', 'Berger', 'Lecomte', 'Menard',
  'Fleury', 'Deschamps', 'Carpentier', 'Julien', 'Benoît', 'Paris', 'Maillard', 'Marchal', 'Aubry', 'Vasseur',
  'Le Roux', 'Renault', 'Jacquet', 'Collet', 'Prévost', 'Poirier', 'Charpentier', 'Royer', 'Huet', 'Baron',
  'Dupuy', 'Pons', 'Paul', 'Laine', 'Carré', 'Breton', 'Rémy', 'Schneider', 'Perrot', 'Guyot', 'Barre', 'Marty',
  'Cousin', 'Pasquier', 'Tissot', 'Mugnier', 'Favre', 'Bouvier', 'Excoffier', 'Dunand', 'Pollier', 'Burnier',
  'Veyrat', 'Duparc', 'Bétemps', "D'Agostino", 'Benali', 'Haddad', 'Diallo', 'Traoré', 'Yilmaz', 'Ferreira',
  'Pereira', 'Santos', 'Rossi', 'Bianchi', 'Cohen', 'Lévy', 'Tran', 'Pham', 'Kaya', 'Mendes',
] as const;

export const FIRST_NAMES_F = [
  'Marie', 'Camille', 'Léa', 'Manon', 'Chloé', 'Emma', 'Inès', 'Sarah', 'Julie', 'Laura', 'Céline', 'Aurélie',
  'Sophie', 'Émilie', 'Élodie', 'Sandrine', 'Nathalie', 'Stéphanie', 'Audrey', 'Mélanie', 'Claire', 'Anne',
  'Caroline', 'Hélène', 'Virginie', 'Marion', 'Pauline', 'Amandine', 'Delphine', 'Karine', 'Laetitia', 'Fatima',
  'Samira', 'Nadia', 'Ana', 'Elena', 'Linh', 'Yasmine', 'Justine', 'Charlotte',
] as const;

export const FIRST_NAMES_M = [
  'Thomas', 'Nicolas', 'Julien', 'Maxime', 'Alexandre', 'Sébastien', 'Guillaume', 'Romain', 'Mathieu', 'Kevin',
  'Jérôme', 'Christophe', 'Frédéric', 'Olivier', 'Laurent', 'Stéphane', 'David', 'Pierre', 'Benoît', 'Cédric',
  'Vincent', 'Antoine', 'Yann', 'François', 'Damien', 'Fabien', 'Karim', 'Mehdi', 'João', 'Marco', 'Minh',
  'Mamadou', 'Loïc', 'Arnaud', 'Grégory', 'Jean-Baptiste',
] as const;

export const CHILD_NAMES_F = [
  'Jade', 'Louise', 'Emma', 'Alice', 'Ambre', 'Lina', 'Rose', 'Chloé', 'Mia', 'Léna', 'Anna', 'Inès', 'Julia',
  'Léa', 'Mila', 'Agathe', 'Zoé', 'Lou', 'Romy', 'Iris', 'Juliette', 'Margaux', 'Nina', 'Éva', 'Victoire', 'Adèle',
  'Capucine', 'Lucie', 'Clémence', 'Manon', 'Sofia', 'Yasmine', 'Lya', 'Maëlys', 'Apolline', 'Charlie',
] as const;

export const CHILD_NAMES_M = [
  'Gabriel', 'Léo', 'Raphaël', 'Louis', 'Arthur', 'Jules', 'Maël', 'Lucas', 'Adam', 'Hugo', 'Noah', 'Liam',
  'Sacha', 'Nathan', 'Tom', 'Gabin', 'Aaron', 'Éthan', 'Paul', 'Timéo', 'Nolan', 'Théo', 'Mathis', 'Axel', 'Victor',
  'Martin', 'Naël', 'Eden', 'Marius', 'Enzo', 'Baptiste', 'Côme', 'Ayden', 'Robin', 'Malo', 'Noé',
] as const;

/** [masculine, feminine, employer]: the profession agrees with the responsable's civilité. */
export const PROFESSIONS = [
  ['Infirmier', 'Infirmière', 'Centre hospitalier Annecy Genevois'], ['Ingénieur', 'Ingénieure', 'NTN-SNR'],
  ['Enseignant', 'Enseignante', 'Éducation nationale'], ['Comptable', 'Comptable', 'Cabinet Fiducial'],
  ['Technicien de laboratoire', 'Technicienne de laboratoire', 'Laboratoires Boiron'],
  ['Vendeur', 'Vendeuse', 'Grand Epagny'], ['Cadre commercial', 'Cadre commerciale', 'Salomon'],
  ['Aide-soignant', 'Aide-soignante', 'EHPAD La Bartavelle'], ['Électricien', 'Électricienne', 'Somfy'],
  ['Développeur', 'Développeuse', 'Sopra Steria'], ['Agent administratif', 'Agente administrative', "Mairie d'Annecy"],
  ['Chauffeur', 'Chauffeuse', 'Sibra'], ['Employé de banque', 'Employée de banque', 'UBS Genève (frontalier)'],
  ['Artisan', 'Artisane', ''], ['Sans emploi', 'Sans emploi', ''], ['Assistant de direction', 'Assistante de direction', 'Dassault Systèmes'],
  ['Mécanicien', 'Mécanicienne', 'Garage du Parc'], ['Pharmacien', 'Pharmacienne', 'Pharmacie du Parc'],
] as const;

/** Real French bank codes with the BIC of the regional bank serving Haute-Savoie. */
export const BANKS = [
  { code: '18106', bic: 'AGRIFRPP881', name: 'Crédit Agricole des Savoie' },
  { code: '16807', bic: 'CCBPFRPPGRE', name: 'Banque Populaire Auvergne Rhône Alpes' },
  { code: '13906', bic: 'CEPAFRPP139', name: "Caisse d'Epargne Rhône Alpes" },
  { code: '20041', bic: 'PSSTFRPPLYO', name: 'La Banque Postale' },
  { code: '30004', bic: 'BNPAFRPPXXX', name: 'BNP Paribas' },
  { code: '30003', bic: 'SOGEFRPPXXX', name: 'Société Générale' },
  { code: '10278', bic: 'CMCIFR2AXXX', name: 'Crédit Mutuel' },
  { code: '30002', bic: 'CRLYFRPPXXX', name: 'LCL' },
] as const;

export const EMAIL_DOMAINS = ['gmail.com', 'orange.fr', 'free.fr', 'hotmail.fr', 'yahoo.fr', 'sfr.fr', 'laposte.net', 'outlook.fr'] as const;

export const ALLERGIES = [
  'Arachide', 'Fruits à coque', 'Œuf', 'Lait de vache (protéines)', 'Gluten', 'Kiwi', 'Poisson', 'Crustacés',
  'Moutarde', 'Sésame',
] as const;

export const PAI_DETAILS = [
  'Trousse d’urgence avec stylo d’adrénaline dans le sac, protocole affiché en cantine.',
  'Panier-repas fourni par la famille ; antihistaminique en cas de réaction.',
  'Asthme : Ventoline dans la trousse, pas d’effort intense sans traitement.',
  'Éviction stricte, trousse d’urgence à l’école et au périscolaire.',
] as const;

export const DOCTORS = [
  ['Dr Dubreuil', '+33450224110'], ['Dr Favre-Félix', '+33450461233'], ['Dr Morand', '+33450247005'],
  ['Dr Zanetti', '+33450221562'], ['Cabinet médical du Parc', '+33450082790'],
] as const;
