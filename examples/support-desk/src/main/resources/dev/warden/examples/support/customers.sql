-- The support desk's customer table. Run by H2 itself when a connection opens (INIT=RUNSCRIPT in
-- the JDBC URL), so provisioning is not an action of the agent. Idempotent: it runs once per
-- physical connection.
CREATE TABLE IF NOT EXISTS customers (
  id          VARCHAR(16)  PRIMARY KEY,
  name        VARCHAR(100) NOT NULL,
  email       VARCHAR(200) NOT NULL,
  country     CHAR(2)      NOT NULL,
  ssn         VARCHAR(20),
  card_number VARCHAR(19)
);
MERGE INTO customers (id, name, email, country, ssn, card_number) KEY (id) VALUES
  ('C-03', 'Alan Turing',        'alan.turing@mail.example',        'GB', '112-45-7781', '4000056655665556'),
  ('C-08', 'Katherine Johnson',  'katherine.johnson@mail.example',  'US', '219-09-9999', '5555555555554444'),
  ('C-11', 'Margaret Hamilton',  'margaret.hamilton@mail.example',  'US', '078-05-1120', '5200828282828210'),
  ('C-17', 'Ada Lovelace',       'ada.lovelace@mail.example',       'GB', '323-11-4402', '4111111111111111'),
  ('C-23', 'Hedy Lamarr',        'hedy.lamarr@mail.example',        'AT', '457-55-5462', '4242424242424242'),
  ('C-31', 'Edsger Dijkstra',    'edsger.dijkstra@mail.example',    'NL', '536-22-8726', '378282246310005'),
  ('C-42', 'Grace Hopper',       'grace.hopper@mail.example',       'US', '601-48-2213', '6011111111111117'),
  ('C-57', 'Tim Berners-Lee',    'tim.berners-lee@mail.example',    'GB', '744-81-3390', '3566002020360505');
